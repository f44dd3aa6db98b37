using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hookline;

/// <summary>The <see cref="WebhookDiagnostics.MeterName"/> meter's instruments.</summary>
internal sealed class WebhookMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public WebhookMetrics(IMeterFactory meters, BacklogSampler backlog)
    {
        var meter = meters.Create(WebhookDiagnostics.MeterName);
        _attempts = meter.CreateCounter<long>(
            "hookline.delivery.attempts",
            "{attempt}",
            "Delivery attempts, by hookline.outcome: succeeded, retrying (failed; tried again later) or failed (given up until replayed).");
        _duration = meter.CreateHistogram(
            "hookline.delivery.attempt.duration",
            "s",
            "How long delivery attempts took, from connecting to the end of the response.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
            });
        _inFlight = meter.CreateUpDownCounter<long>(
            "hookline.delivery.in_flight",
            "{attempt}",
            "Attempts this instance is making now, by hookline.tenant (of the endpoint; none for an endpoint of no tenant).");
        meter.CreateObservableGauge(
            "hookline.delivery.backlog",
            () => backlog.Latest is { } sample ? [new Measurement<long>(sample.Stats.Pending)] : Array.Empty<Measurement<long>>(),
            "{delivery}",
            "Pending deliveries: due now, in flight, or waiting for a retry.");
        meter.CreateObservableGauge(
            "hookline.endpoints.failing",
            () => backlog.Latest is { } sample ? [new Measurement<long>(sample.Stats.FailingEndpoints)] : Array.Empty<Measurement<long>>(),
            "{endpoint}",
            "Enabled endpoints whose latest attempt failed: their circuit breaker lets one attempt through at a time, or none while open.");
        meter.CreateObservableGauge(
            "hookline.delivery.oldest_due_age",
            () => backlog.Latest is { } sample
                ? [new Measurement<double>(sample.OldestDueAge.TotalSeconds)]
                : Array.Empty<Measurement<double>>(),
            "s",
            "How long the longest-waiting due delivery has waited: grows when delivery falls behind.");
    }

    public void RecordInFlight(string? tenant, int change) =>
        _inFlight.Add(change, tenant is null ? default : new TagList { { "hookline.tenant", tenant } });

    public void RecordAttempt(string webhook, string outcome, string? errorType, TimeSpan duration)
    {
        var tags = new TagList { { "hookline.webhook", webhook }, { "hookline.outcome", outcome } };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        _attempts.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }
}
