using Hookline.Storage;
using Microsoft.Extensions.Logging;

namespace Hookline;

/// <summary>
/// The latest count of pending deliveries, for the backlog gauges. Reading it refreshes it in the
/// background when it is older than <see cref="MaxAge"/>, so the store is asked only while someone
/// collects metrics, and at most that often.
/// </summary>
internal sealed class BacklogSampler(IWebhookDeliveryQueue queue, TimeProvider time, ILogger<BacklogSampler> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private Sample? _latest;
    private int _refreshing;

    public Sample? Latest
    {
        get
        {
            var latest = Volatile.Read(ref _latest);
            if ((latest is null || time.GetUtcNow() - latest.At >= MaxAge) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            {
                _ = RefreshAsync();
            }

            return latest;
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            var now = time.GetUtcNow();
            Volatile.Write(ref _latest, new Sample(await queue.GetBacklogAsync(now, CancellationToken.None).ConfigureAwait(false), now));
        }
        catch (Exception e)
        {
            logger.BacklogSampleFailed(e);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>Backlog statistics and when they were read.</summary>
    public sealed record Sample(WebhookBacklog Stats, DateTimeOffset At)
    {
        /// <summary>How long the oldest due delivery had waited, when read.</summary>
        public TimeSpan OldestDueAge => Stats.OldestDueAge(At);
    }
}
