using Hookline.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hookline;

/// <summary>
/// Unhealthy (or the status chosen) when a due delivery has waited longer than a bound: delivery is stuck or falling behind.
/// </summary>
internal sealed class WebhookBacklogHealthCheck(IWebhookDeliveryQueue queue, TimeProvider time, TimeSpan maxAge) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var backlog = await queue.GetBacklogAsync(now, cancellationToken).ConfigureAwait(false);
        var age = backlog.OldestDueAge(now);
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.Pending,
            ["oldestDueAgeSeconds"] = Math.Round(age.TotalSeconds, 1),
        };
        return age <= maxAge
            ? HealthCheckResult.Healthy(
                $"{backlog.Pending} webhook deliveries pending; the oldest due has waited {age.TotalSeconds:0.#} s.", data)
            : new HealthCheckResult(
                context.Registration.FailureStatus,
                $"A due webhook delivery has waited {age.TotalSeconds:0.#} s, over the {maxAge.TotalSeconds:0.#} s allowed; "
                + $"{backlog.Pending} are pending.",
                data: data);
    }
}
