/// <summary>
/// The PostgreSQL measurements: app instances, each a process of its own (<see cref="BenchInstance"/>), on one fresh
/// database, delivering to the receiver in this process.
/// </summary>
internal static class PostgreSqlRuns
{
    /// <summary>
    /// From the first publish until every delivery is acknowledged and recorded: each instance publishes its share of
    /// <paramref name="count"/> with its share of the callers, and each delivers.
    /// </summary>
    public static async Task<Throughput> EndToEndAsync(BenchReceiver receiver, int instances, int count, int concurrency)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var setup = await BenchHost.PostgreSqlAsync(database.ConnectionString, deliver: false, 1);
        await setup.Endpoints.CreateAsync(new() { Url = receiver.Url });
        var children = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => BenchInstance.StartAsync(database.ConnectionString)));
        try
        {
            await RunAsync(count / 10); // Warm-up: JIT and connection pools in every instance.
            var measure = Throughput.StartMachine(count);
            await RunAsync(count);
            return measure.Stop();
        }
        finally
        {
            await Task.WhenAll(children.Select(c => c.DisposeAsync().AsTask()));
        }

        async Task RunAsync(int total)
        {
            receiver.Reset();
            var share = total / instances;
            await Task.WhenAll(children.Select((child, i) => child.PublishAsync(i * share, share, concurrency / instances)));
            await Load.UntilAsync(() => Task.FromResult(receiver.Count >= share * instances));
            await Load.UntilAsync(async () => (await setup.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        }
    }

    /// <summary>
    /// Every instance publishes its share of <paramref name="perSecond"/> at a steady rate; latency is from the start of a
    /// publish on any instance to the request reaching the receiver, whichever instance sent it.
    /// </summary>
    public static async Task<(double P50, double P99, int Sent)> LatencyAsync(BenchReceiver receiver, int instances, int perSecond, int seconds)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var setup = await BenchHost.PostgreSqlAsync(database.ConnectionString, deliver: false, 1);
        await setup.Endpoints.CreateAsync(new() { Url = receiver.Url });
        var children = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => BenchInstance.StartAsync(database.ConnectionString)));
        try
        {
            receiver.Reset();
            await Task.WhenAll(children.Select((child, i) => child.PublishAsync(i * 1_000, 1_000, 8))); // Warm-up.
            await Load.UntilAsync(() => Task.FromResult(receiver.Count >= instances * 1_000));
            receiver.Reset();
            receiver.TrackArrivals = true;
            var share = perSecond * seconds / instances;
            var sent = (await Task.WhenAll(children.Select((child, i) => child.PacedAsync(i * share, share, perSecond / instances))))
                .SelectMany(published => published).ToArray();
            var (p50, p99) = await Load.LatencyAsync(receiver, sent);
            receiver.TrackArrivals = false;
            return (p50, p99, sent.Length);
        }
        finally
        {
            await Task.WhenAll(children.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// Tenant isolation (<see cref="Load.IsolationAsync"/>) with <paramref name="instances"/> instance processes delivering; the
    /// publishes come from a host of this process that does not deliver.
    /// </summary>
    public static async Task<(double P50, double P95, int Sent)> IsolationAsync(BenchReceiver receiver, int instances, int seconds)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var publisher = await BenchHost.PostgreSqlAsync(database.ConnectionString, deliver: false, 1);
        var children = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => BenchInstance.StartAsync(database.ConnectionString)));
        try
        {
            return await Load.IsolationAsync(publisher, receiver, seconds);
        }
        finally
        {
            await Task.WhenAll(children.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
