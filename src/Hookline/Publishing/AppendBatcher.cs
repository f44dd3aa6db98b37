using System.Collections.Concurrent;
using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Group commit: concurrent publishes queue here, and whichever caller finds no commit running
/// writes everything queued in one store transaction, so a burst costs a few fsyncs, not one each.
/// </summary>
internal sealed class AppendBatcher(IWebhookStore store)
{
    private const int MaxBatch = 1_000;

    private readonly ConcurrentQueue<(NewMessage Message, TaskCompletionSource<StoredMessage> Stored)> _queue = new();
    private int _committing;

    public async Task<StoredMessage> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        var stored = new TaskCompletionSource<StoredMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((message, stored));
        await CommitQueuedAsync().ConfigureAwait(false);
        return await stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitQueuedAsync()
    {
        // The re-check after releasing closes the gap where an item arrives just as the committer stops.
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
        {
            try
            {
                while (!_queue.IsEmpty)
                {
                    var batch = new List<(NewMessage Message, TaskCompletionSource<StoredMessage> Stored)>();
                    while (batch.Count < MaxBatch && _queue.TryDequeue(out var item))
                    {
                        batch.Add(item);
                    }

                    await CommitAsync(batch).ConfigureAwait(false);
                }
            }
            finally
            {
                Volatile.Write(ref _committing, 0);
            }
        }
    }

    private async Task CommitAsync(List<(NewMessage Message, TaskCompletionSource<StoredMessage> Stored)> batch)
    {
        try
        {
            // Not cancellable: the batch carries other callers' messages.
            var results = await store.AppendAsync([.. batch.Select(b => b.Message)], CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Stored.SetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad message must not fail the others: store each alone, so each caller gets its own outcome.
            foreach (var (message, stored) in batch)
            {
                try
                {
                    stored.SetResult((await store.AppendAsync([message], CancellationToken.None).ConfigureAwait(false))[0]);
                }
                catch (Exception single)
                {
                    stored.SetException(single);
                }
            }
        }
        catch (Exception e)
        {
            batch[0].Stored.SetException(e);
        }
    }
}
