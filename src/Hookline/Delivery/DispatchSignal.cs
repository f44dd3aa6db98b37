using System.Threading.Channels;
using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Wakes the dispatcher when there may be work: a publish stored deliveries, a replay made some due,
/// or an attempt ended and freed a slot. Wake-ups coalesce: many before the next wait count as one.
/// </summary>
internal sealed class DispatchSignal : IWebhookDispatchWaker
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <inheritdoc />
    public void Wake() => Notify();

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
