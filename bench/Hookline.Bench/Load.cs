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
