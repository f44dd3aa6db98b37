using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hookline.Management;

/// <summary>
/// Limits each tenant's costly calls (<see cref="WebhookCostlyCallOptions"/>) with a token bucket per tenant from
/// System.Threading.RateLimiting, kept in this instance's memory; one timer refills every bucket, and a full bucket left idle is dropped.
/// </summary>
/// <remarks>
/// Not ASP.NET Core's rate limiting middleware: it runs before the management API knows the caller's tenant (found by an endpoint
/// filter, maybe asynchronously), works only if the app calls <c>UseRateLimiter</c> in the right place, and answers with the app's own
/// rejection handler. Taken here, in <see cref="WebhookTenantService"/>, a call is counted only once it is about to do its work, so a
/// call refused for another reason (a 404, a 409, a 422) does not use up the tenant's allowance.
/// </remarks>
internal sealed class CostlyCallLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _buckets;
    private readonly int _perMinute;
    private readonly int _burst;

    public CostlyCallLimiter(IOptions<WebhookOptions> options)
    {
        var limit = options.Value.Management.CostlyCalls;
        if (limit.PerMinute is not { } perMinute)
        {
            return;
        }

        (_perMinute, _burst) = (perMinute, limit.Burst);
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerMinute / perMinute)),
            QueueLimit = 0,
        };
        _buckets = PartitionedRateLimiter.Create<string, string>(
            tenant => RateLimitPartition.GetTokenBucketLimiter(tenant, _ => bucket), StringComparer.Ordinal);
    }

    /// <summary>Takes one of the tenant's costly calls.</summary>
    /// <exception cref="ManagementProblem">429: the tenant has made all it may for now; says what and when to try again.</exception>
    public void Take(string tenant)
    {
        if (_buckets is null)
        {
            return;
        }

        using var lease = _buckets.AttemptAcquire(tenant);
        if (lease.IsAcquired)
        {
            return;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1) / _perMinute;
        var seconds = (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue);
        throw ManagementProblem.TooManyRequests(
            seconds,
            $"You may send test events, resend messages and recover endpoints {_perMinute} times a minute in all, {_burst} at once, "
            + $"and have used that up for now. Try again in {seconds} second{(seconds == 1 ? "" : "s")}.");
    }

    public void Dispose() => _buckets?.Dispose();
}
