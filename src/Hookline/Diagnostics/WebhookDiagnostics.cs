using System.Diagnostics;

namespace Hookline;

/// <summary>
/// The names Hookline reports under, for OpenTelemetry and <c>dotnet-counters</c>:
/// <c>.AddMeter(WebhookDiagnostics.MeterName)</c>, <c>.AddSource(WebhookDiagnostics.ActivitySourceName)</c>.
/// </summary>
public static class WebhookDiagnostics
{
    /// <summary>
    /// The meter: <c>hookline.delivery.attempts</c> (by <c>hookline.outcome</c>: succeeded, retrying,
    /// failed), <c>hookline.delivery.attempt.duration</c>, <c>hookline.delivery.backlog</c> and
    /// <c>hookline.delivery.oldest_due_age</c>.
    /// </summary>
    public const string MeterName = "Hookline";

    /// <summary>
    /// The activity source: one client activity per delivery attempt, whose id goes out as the W3C <c>traceparent</c> header.
    /// </summary>
    public const string ActivitySourceName = "Hookline";

    internal static readonly ActivitySource ActivitySource =
        new(ActivitySourceName, typeof(WebhookDiagnostics).Assembly.GetName().Version?.ToString(3));
}
