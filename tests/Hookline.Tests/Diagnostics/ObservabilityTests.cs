using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hookline.Tests.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Diagnostics;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Metrics_CountAttemptsByOutcomeAndTimeThem()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(500), TestReceiver.Status(204)));
        await using var host = await WebhookDispatcherTests.StartAsync();
        using var metrics = new MetricsRecorder(host);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        await WebhookDispatcherTests.AttemptsAsync(host, published.MessageId, 2);

        await Eventually.HoldsAsync(() => Task.FromResult(metrics.Measurements("hookline.delivery.attempts").Count == 2), "two attempts are counted");
        Assert.Equal(
            [("retrying", "500"), ("succeeded", null)],
            metrics.Measurements("hookline.delivery.attempts").Select(m => ((string?)m.Tags["hookline.outcome"], (string?)m.Tags.GetValueOrDefault("error.type"))));
        Assert.All(metrics.Measurements("hookline.delivery.attempts"), m => Assert.Equal(("ping", 1.0), ((string?)m.Tags["hookline.webhook"], m.Value)));
        Assert.Equal(2, metrics.Measurements("hookline.delivery.attempt.duration").Count);
    }

    [Fact]
    public async Task Metrics_ReportTheBacklog()
    {
        await using var host = await WebhookDispatcherTests.StartAsync(o => o.Delivery.Enabled = false);
        using var metrics = new MetricsRecorder(host);
        await host.Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });
        for (var i = 0; i < 3; i++)
        {
            await host.Publisher.PublishAsync("ping", new Ping(i));
        }

        // The first collection starts a read of the store; a later one reports it.
        await Eventually.HoldsAsync(
            () =>
            {
                metrics.Collect();
                return Task.FromResult(metrics.Measurements("hookline.delivery.backlog").Count > 0);
            },
            "the backlog gauge reports");
        Assert.Equal(3, metrics.Measurements("hookline.delivery.backlog")[^1].Value);
        Assert.InRange(metrics.Measurements("hookline.delivery.oldest_due_age")[^1].Value, 0, 60);
    }

    [Fact]
    public async Task Tracing_EachAttemptIsAnActivityWhoseIdGoesOutAsTraceparent()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhookDiagnostics.ActivitySourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(503), TestReceiver.Status(204)));
        await using var host = await WebhookDispatcherTests.StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        await WebhookDispatcherTests.AttemptsAsync(host, published.MessageId, 2);

        var attempts = stopped.Where(a => (string?)a.GetTagItem("hookline.message_id") == published.MessageId).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(receiver.Requests.Select(r => r.Headers["traceparent"]), attempts.Select(a => a.Id));
        Assert.All(attempts, a => Assert.Equal((ActivityKind.Client, "webhook ping", endpoint.Id), (a.Kind, a.DisplayName, (string?)a.GetTagItem("hookline.endpoint_id"))));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.Select(a => a.Status));
        Assert.Equal([1, 2], attempts.Select(a => (int)a.GetTagItem("hookline.attempt")!));
    }

    [Fact]
    public async Task HealthCheck_FailsWhenADueDeliveryWaitsTooLong()
    {
        var time = new FakeTimeProvider();
        var maxAge = TimeSpan.FromMilliseconds(200);
        await using var host = await WebhookDispatcherTests.StartAsync(
            o => o.Delivery.Enabled = false,
            services => services.AddSingleton<TimeProvider>(time).AddHealthChecks().AddWebhookBacklog(maxAge, failureStatus: HealthStatus.Degraded));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.Endpoints.CreateAsync(new() { Url = "https://127.0.0.1:9/" });

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await host.Publisher.PublishAsync("ping", new Ping(1));
        time.Advance(maxAge);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status); // Waited as long as allowed, not longer.
        time.Advance(TimeSpan.FromMilliseconds(1));

        var report = (await health.CheckHealthAsync()).Entries["webhooks"];
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.StartsWith("A due webhook delivery has waited", report.Description);
        Assert.Equal(1L, report.Data["pending"]);
    }

    /// <summary>Records the measurements of one host's Hookline meter.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

        public MetricsRecorder(SqliteTestHost host)
        {
            var factory = host.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WebhookDiagnostics.MeterName && instrument.Meter.Scope == factory)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument) =>
            [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];

        public void Collect() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _measurements.Enqueue((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));
    }
}
