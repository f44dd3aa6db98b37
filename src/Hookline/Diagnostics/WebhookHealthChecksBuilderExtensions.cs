using Hookline;
using Hookline.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Hookline's health check.</summary>
public static class WebhookHealthChecksBuilderExtensions
{
    /// <summary>
    /// Checks the webhook backlog: reports <paramref name="failureStatus"/> when a due delivery has waited
    /// longer than <paramref name="maxAge"/>, meaning delivery is stuck or falling behind.
    /// </summary>
    /// <param name="builder">The builder from <c>AddHealthChecks()</c>.</param>
    /// <param name="maxAge">How long a due delivery may wait. Default: 5 minutes.</param>
    /// <param name="name">The check's name. Default: <c>webhooks</c>.</param>
    /// <param name="failureStatus">What to report when it fails. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddWebhookBacklog(
        this IHealthChecksBuilder builder,
        TimeSpan? maxAge = null,
        string name = "webhooks",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var bound = maxAge ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bound, TimeSpan.Zero, nameof(maxAge));
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new WebhookBacklogHealthCheck(
                services.GetService<IWebhookDeliveryQueue>() ?? throw new InvalidOperationException(
                    "The webhook backlog health check needs a store: call AddWebhooks().UseSqlite(...) (or UseStore)."),
                services.GetRequiredService<TimeProvider>(),
                bound),
            failureStatus,
            tags));
    }
}
