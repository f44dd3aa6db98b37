using Microsoft.Extensions.Options;

namespace Hookline.Management;

/// <summary>
/// Counts the feed reads waiting for messages, per tenant and in all (<see cref="WebhookFeedOptions"/>), in this instance's memory:
/// a read that would wait past either count is refused with a 429 before it holds anything.
/// </summary>
internal sealed class FeedWaits(IOptions<WebhookOptions> options)
{
    private readonly Dictionary<string, int> _byTenant = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _total;

    /// <summary>Counts a read of <paramref name="tenant"/> as waiting until the returned slot is disposed.</summary>
    /// <exception cref="ManagementProblem">429: the tenant, or the instance, has as many reads waiting as it may.</exception>
    public Slot Enter(string tenant)
    {
        var limits = options.Value.Management.Feed;
        lock (_lock)
        {
            var mine = _byTenant.GetValueOrDefault(tenant);
            if (mine >= limits.MaxWaitingPerTenant)
            {
                throw ManagementProblem.TooManyRequests(
                    1,
                    $"You have {mine} feed reads waiting for messages, the most you may have at once. Read with wait=0, or once one "
                    + "of them has answered.");
            }

            if (_total >= limits.MaxWaiting)
            {
                throw ManagementProblem.TooManyRequests(
                    1, "Too many feed reads are waiting for messages on this server right now. Try again in a second.");
            }

            _byTenant[tenant] = mine + 1;
            _total++;
        }

        return new Slot(this, tenant);
    }

    /// <summary>How many reads of <paramref name="tenant"/> are waiting now.</summary>
    public int Waiting(string tenant)
    {
        lock (_lock)
        {
            return _byTenant.GetValueOrDefault(tenant);
        }
    }

    private void Leave(string tenant)
    {
        lock (_lock)
        {
            var mine = _byTenant[tenant] - 1;
            if (mine == 0)
            {
                _byTenant.Remove(tenant);
            }
            else
            {
                _byTenant[tenant] = mine;
            }

            _total--;
        }
    }

    /// <summary>A waiting read's place in the counts, given back when disposed.</summary>
    public sealed class Slot(FeedWaits waits, string tenant) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                waits.Leave(tenant);
            }
        }
    }
}
