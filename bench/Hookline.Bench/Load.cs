using System.Diagnostics;
using Hookline;

/// <summary>How the benchmark drives its hosts: workers, publishing at a steady rate, waiting for a condition.</summary>
internal static class Load
{
    /// <summary>Runs <paramref name="work"/>(0..count-1) on <paramref name="concurrency"/> workers.</summary>
    public static Task Workers(int count, int concurrency, Func<int, Task> work)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
            }
        })));
    }

    /// <summary>
    /// Publishes events <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1 at
    /// <paramref name="perSecond"/>, and says when each publish call started (a <see cref="Stopwatch"/> timestamp: the
    /// system's monotonic clock, comparable across processes on one machine).
    /// </summary>
    public static async Task<PublishedAt[]> PacedAsync(IWebhookPublisher publisher, int from, int count, int perSecond)
    {
        var publishes = new List<Task<PublishedAt>>(count);
        var start = Stopwatch.GetTimestamp();
        while (publishes.Count < count)
        {
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
            while (publishes.Count < due)
            {
                var sequence = from + publishes.Count;
                publishes.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = await publisher.PublishAsync("bench.event", BenchEvent.Create(sequence));
                    return new PublishedAt(result.MessageId, started);
                }));
            }

            await Task.Delay(1);
        }

        return await Task.WhenAll(publishes);
    }

    /// <summary>
    /// Tenant isolation: a noisy tenant's 10 endpoints never answer while it publishes 10 events/s to them (after a backlog of
    /// 200), and a quiet tenant publishes 10 events/s to a healthy endpoint; the quiet tenant's publish-to-receipt latency, from
    /// the start of each publish (it may arrive before the call returns), its median and 95th percentile in milliseconds.
    /// <paramref name="host"/> publishes; it, or other instances on its store, deliver.
    /// </summary>
    public static async Task<(double P50, double P95, int Sent)> IsolationAsync(BenchHost host, BenchReceiver receiver, int seconds)
    {
        for (var i = 0; i < 10; i++)
        {
            await host.Endpoints.CreateAsync(new() { Url = $"{receiver.DeadUrl}/{i}" }, tenant: "noisy");
        }

        await host.Endpoints.CreateAsync(new() { Url = receiver.Url }, tenant: "quiet");
        receiver.Reset();
        receiver.TrackArrivals = true;
        var published = new Dictionary<string, long>();
        var payload = BenchEvent.Create(0);
        for (var i = 0; i < 20; i++)
        {
            await host.Publisher.PublishAsync("bench.event", payload, tenant: "noisy");
        }

        for (var tick = 0; tick < seconds * 10; tick++)
        {
            await host.Publisher.PublishAsync("bench.event", payload, tenant: "noisy");
            var started = Stopwatch.GetTimestamp();
            var quiet = await host.Publisher.PublishAsync("bench.event", payload, tenant: "quiet");
            published[quiet.MessageId] = started;
            await Task.Delay(100);
        }

        var waitUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 30);
        while (published.Keys.Any(id => !receiver.Arrivals.ContainsKey(id)) && Stopwatch.GetTimestamp() < waitUntil)
        {
            await Task.Delay(100);
        }

        receiver.TrackArrivals = false;
        var latencies = published
            .Select(p => receiver.Arrivals.TryGetValue(p.Key, out var at)
                ? Stopwatch.GetElapsedTime(p.Value, at).TotalMilliseconds
                : double.PositiveInfinity)
            .Order()
            .ToList();
        return (latencies[latencies.Count / 2], latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1], latencies.Count);
    }

    /// <summary>The median and 99th percentile of publish-to-receipt latency, in milliseconds, once every event has arrived.</summary>
    public static async Task<(double P50, double P99)> LatencyAsync(BenchReceiver receiver, IReadOnlyCollection<PublishedAt> sent)
    {
        await UntilAsync(() => Task.FromResult(receiver.Arrivals.Count >= sent.Count));
        var latencies = sent.Select(s => Stopwatch.GetElapsedTime(s.Started, receiver.Arrivals[s.Id]).TotalMilliseconds).Order().ToArray();
        return (latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }

    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(20);
        }
    }
}

/// <summary>A published event's message id, and when its publish call started.</summary>
internal sealed record PublishedAt(string Id, long Started);
