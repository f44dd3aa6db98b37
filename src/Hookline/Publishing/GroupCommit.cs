using System.Collections.Concurrent;

namespace Hookline;

/// <summary>
/// Group commit: concurrent callers queue their items here, and whichever caller finds no commit running starts one, which
/// writes everything queued in one store transaction after another until the queue is empty, so a burst costs a few fsyncs,
/// not one each. Each caller waits for its own item's batch only: the commits go on without it, so under sustained
/// publishing no caller waits for others' items, and each may stop waiting. Publishing stores messages through one.
/// </summary>
/// <param name="commit">Writes a batch in one transaction, returning one result per item, in order.</param>
internal sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit)
{
    private const int MaxBatch = 1_000;

    private readonly ConcurrentQueue<(TItem Item, TaskCompletionSource<TResult> Done)> _queue = new();
    private int _committing;

    /// <summary>Queues <paramref name="item"/> and returns its result once its batch is committed.</summary>
    /// <remarks>Cancelling stops the wait, not the write: the batch carries other callers' items.</remarks>
    public Task<TResult> AddAsync(TItem item, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((item, done));
        if (Volatile.Read(ref _committing) == 0)
        {
            // Not awaited: every outcome lands in its item's task, and the commits after this item's are no wait of its caller.
            _ = CommitQueuedAsync();
        }

        return done.Task.WaitAsync(cancellationToken);
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
                    var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
                    while (batch.Count < MaxBatch && _queue.TryDequeue(out var queued))
                    {
                        batch.Add(queued);
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

    private async Task CommitAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        try
        {
            var results = await commit([.. batch.Select(b => b.Item)]).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.SetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad item must not fail the others: commit each alone, so each caller gets its own outcome.
            foreach (var (item, done) in batch)
            {
                try
                {
                    done.SetResult((await commit([item]).ConfigureAwait(false))[0]);
                }
                catch (Exception single)
                {
                    done.SetException(single);
                }
            }
        }
        catch (Exception e)
        {
            batch[0].Done.SetException(e);
        }
    }
}
