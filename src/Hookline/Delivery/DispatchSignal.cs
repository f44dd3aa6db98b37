using System.Threading.Channels;

namespace Hookline;

/// <summary>
/// Wakes the dispatcher: <see cref="NotifyDue"/> when deliveries in the store became due (a publish
/// whose deliveries were not all handed to this instance's dispatcher, a replay), <see cref="Notify"/>
/// when there is other work (deliveries handed over, an attempt ended and freed a slot). Wake-ups
/// coalesce: many before the next wait count as one.
/// </summary>
internal sealed class DispatchSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _due;

    public void Notify() => _channel.Writer.TryWrite(true);

    public void NotifyDue()
    {
        Volatile.Write(ref _due, 1);
        Notify();
    }

    /// <summary>Whether <see cref="NotifyDue"/> was called since the last call; called just before leasing, so one that comes while leasing is kept.</summary>
    public bool TakeDue() => Interlocked.Exchange(ref _due, 0) == 1;

    /// <summary>Forgets wake-ups so far: called just before looking for work, so one that comes while looking is kept.</summary>
    public void Reset() => _channel.Reader.TryRead(out _);

    /// <summary>Waits until notified (<see langword="true"/>) or until <paramref name="timeout"/> passes (<see langword="false"/>).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
