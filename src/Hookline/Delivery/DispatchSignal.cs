using System.Threading.Channels;
using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Wakes the dispatcher when there may be work: messages were appended or deliveries made due (a publish, a replay, a
/// notification from another instance), or an attempt ended and freed a slot. Wake-ups coalesce: many before the next wait
/// count as one. Only the first kind sends the dispatcher to expand messages; a freed slot only sends it to lease. The first kind
/// also completes <see cref="NextNotification"/>, which every polling endpoint's read waiting for messages awaits.
/// </summary>
internal sealed class DispatchSignal : IWebhookDispatchWaker
{
    private readonly Channel<bool> _channel =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _messages = 1; // Messages may have waited since before the process started.
    private TaskCompletionSource _notified = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next <see cref="Notify"/> (or <see cref="Wake"/>), for every reader that took it: take it before reading,
    /// so that a notification while reading is not missed.
    /// </summary>
    public Task NextNotification => Volatile.Read(ref _notified).Task;

    /// <summary>Messages were appended or deliveries made due.</summary>
    public void Notify()
    {
        Volatile.Write(ref _messages, 1);
        _channel.Writer.TryWrite(true);
        Interlocked.Exchange(ref _notified, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <inheritdoc />
    public void Wake() => Notify();

    /// <summary>An attempt ended: its slot is free for another lease.</summary>
    public void SlotFreed() => _channel.Writer.TryWrite(true);

    /// <summary>Whether messages were appended since the last call: the dispatcher expands them.</summary>
    public bool TakeMessages() => Interlocked.Exchange(ref _messages, 0) == 1;

    /// <summary>Forgets wake-ups so far: called just before looking for work, so one that comes while looking is kept.</summary>
    public void Reset() => _channel.Reader.TryRead(out _);

    /// <summary>Waits until notified or until <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }
}
