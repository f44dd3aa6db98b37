// Hookline's end-to-end benchmark. Run: dotnet run -c Release --project bench/Hookline.Bench [-- --quick]
// Every number is measured in this run, against a receiver in this process on 127.0.0.1; ratios
// compare Hookline with a plain pooled HttpClient measured the same way, on the same machine.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Hookline.Storage;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is ["--drain", var pendingArg, var measureArg])
{
    // A child run (see Drain below): its own process, so its peak memory is its own.
    var (rate, peak) = await Drain(int.Parse(pendingArg), int.Parse(measureArg));
    Console.WriteLine(JsonSerializer.Serialize(new[] { rate, peak }));
    return;
}

var quick = args.Contains("--quick");
const int Concurrency = 64;
var rounds = quick ? 1 : 3;
var deliveries = quick ? 5_000 : 50_000;
var latencySeconds = quick ? 3 : 15;
var backlog = quick ? 100_000 : 1_000_000;
var drainMeasure = quick ? 5_000 : 20_000;

await using var receiver = await BenchReceiver.StartAsync();

// Ceiling and end to end alternate, a round each after an unreported warm-up round (JIT, pools), so
// both see the same machine; the medians are reported, with the CPU time each delivery cost.
var ceilings = new List<Throughput>();
var endToEnds = new List<Throughput>();
for (var round = 0; round <= rounds; round++)
{
    var ceilingRound = await Ceiling(receiver, deliveries, Concurrency);
    var endToEndRound = await EndToEnd(receiver, deliveries, Concurrency);
    if (round > 0)
    {
        ceilings.Add(ceilingRound);
        endToEnds.Add(endToEndRound);
        Console.Error.WriteLine($"round {round}: ceiling {ceilingRound}, end to end {endToEndRound}, ratio {endToEndRound.PerSecond / ceilingRound.PerSecond:0.00}");
    }
}

var ceiling = Throughput.Median(ceilings);
var endToEnd = Throughput.Median(endToEnds);
Report($"Ceiling: plain pooled HttpClient, 1 KB POST (median of {rounds})", $"{ceiling.PerSecond:0} req/s, {ceiling.CpuMicroseconds:0} µs CPU each");
Report($"Hookline end to end: publish → SQLite → dispatch → 2xx → recorded (median of {rounds})", $"{endToEnd.PerSecond:0} deliveries/s, {endToEnd.CpuMicroseconds:0} µs CPU each");
Report("Ratio, end to end / ceiling", $"{endToEnd.PerSecond / ceiling.PerSecond:0.00}");
var stores = new List<StoreCost>();
for (var round = 0; round <= rounds; round++)
{
    var storeRound = await StoreAlone(receiver, deliveries);
    if (round > 0)
    {
        stores.Add(storeRound);
    }
}

var store = stores.OrderBy(s => s.Total.CpuMicroseconds).ElementAt(stores.Count / 2);
Report(
    $"The store alone, no HTTP: append, lease, record in batches of 64 (median of {rounds})",
    $"{store.Total.PerSecond:0} deliveries/s, {store.Total.CpuMicroseconds:0} µs CPU each (append {store.Append:0}, lease {store.Lease:0}, record {store.Record:0} µs)");

// A CPU-bound delivery costs at least a bare request plus the store's work, so this bounds the ratio.
Report("Bound on the ratio: ceiling CPU / (ceiling CPU + store CPU)", $"{ceiling.CpuMicroseconds / (ceiling.CpuMicroseconds + store.Total.CpuMicroseconds):0.00}");
var (p50, p99, sent) = await Latency(receiver, 1_000, latencySeconds);
Report($"Publish-to-receipt latency at 1,000 events/s ({sent:N0} events)", $"p50 {p50:0.0} ms, p99 {p99:0.0} ms");
Report("Publish calls/s, 64 concurrent callers (group commit)", $"{await PublishRate(receiver, deliveries, Concurrency):0}");
Report("Publish calls/s, one caller at a time", $"{await PublishRate(receiver, quick ? 500 : 2_000, 1):0}");
var (emptyRate, emptyPeak) = await DrainInChild(drainMeasure + (drainMeasure / 10), drainMeasure);
var (fullRate, fullPeak) = await DrainInChild(backlog, drainMeasure);
Report($"Drain rate, {drainMeasure + (drainMeasure / 10):N0} pending", $"{emptyRate:0} deliveries/s (peak memory {emptyPeak:0} MB)");
Report($"Drain rate, {backlog:N0} pending", $"{fullRate:0} deliveries/s (peak memory {fullPeak:0} MB)");
Report("Drain rate ratio, large / small backlog", $"{fullRate / emptyRate:0.00}");
return;

static void Report(string what, string value) => Console.WriteLine($"| {what} | {value} |");

// (a) The ceiling: the same body, straight to the receiver, with the dispatcher's concurrency.
static async Task<Throughput> Ceiling(BenchReceiver receiver, int count, int concurrency)
{
    using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    var body = JsonSerializer.SerializeToUtf8Bytes(BenchEvent.Create(0), JsonSerializerOptions.Web);
    async Task Post()
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(receiver.Url, content);
        response.EnsureSuccessStatusCode();
    }

    await Workers(count / 10, concurrency, _ => Post()); // Warm-up.
    var measure = Throughput.Start(count);
    await Workers(count, concurrency, _ => Post());
    return measure.Stop();
}

// (b) Hookline end to end: from the first publish until every delivery is acknowledged and recorded.
static async Task<Throughput> EndToEnd(BenchReceiver receiver, int count, int concurrency)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.StartAsync(file, deliver: true, concurrency);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        await Workers(count / 10, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i))); // Warm-up.
        await UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        receiver.Reset();
        var measure = Throughput.Start(count);
        await Workers(count, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));

        // Counting the backlog reads the pending index, so it is polled only once the receiver has everything.
        await UntilAsync(() => Task.FromResult(receiver.Count >= count));
        await UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        return measure.Stop();
    }
    finally
    {
        DeleteFile(file);
    }
}

// The SQLite store's own cost, one call after another with nothing else running: append 64 messages
// (one delivery each, fsynced; ids in order, like the publisher's time-ordered ones), lease them, record a
// 204 attempt for each.
static async Task<StoreCost> StoreAlone(BenchReceiver receiver, int count)
{
    const int Batch = 64;
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.StartAsync(file, deliver: false, Batch);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        var payload = JsonSerializer.SerializeToUtf8Bytes(BenchEvent.Create(0), JsonSerializerOptions.Web);
        var phases = new long[3];
        var measure = Throughput.Start(count);
        for (var sequence = 0; sequence < count; sequence += Batch)
        {
            var now = DateTimeOffset.UtcNow;
            var started = Stopwatch.GetTimestamp();
            await host.Messages.AppendAsync([.. Enumerable.Range(sequence, Batch).Select(i => new NewMessage($"msg_{i:D26}", "bench.event", "POST", null, payload, now))], default);
            var appended = Stopwatch.GetTimestamp();
            var leased = await host.Queue.LeaseAsync(new("bench", now, now.AddSeconds(30), Batch), default);
            var leasedAt = Stopwatch.GetTimestamp();
            await host.Queue.CompleteAsync([.. leased.Select(d => new AttemptResult
            {
                DeliveryId = d.Id,
                EndpointId = d.EndpointId,
                LeaseOwner = "bench",
                StartedAt = now,
                Duration = TimeSpan.FromMilliseconds(1),
                StatusCode = 204,
                ErrorKind = AttemptErrorKind.None,
                Status = DeliveryStatus.Succeeded,
            })], now, default);
            phases[0] += appended - started;
            phases[1] += leasedAt - appended;
            phases[2] += Stopwatch.GetTimestamp() - leasedAt;
        }

        var total = measure.Stop();
        double Each(long ticks) => ticks * 1e6 / Stopwatch.Frequency / count;
        return new StoreCost(total, Each(phases[0]), Each(phases[1]), Each(phases[2]));
    }
    finally
    {
        DeleteFile(file);
    }
}

// Publish at a fixed rate; latency = receipt at the receiver - start of the publish call.
static async Task<(double P50, double P99, int Sent)> Latency(BenchReceiver receiver, int perSecond, int seconds)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.StartAsync(file, deliver: true, 64);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        receiver.Reset();
        receiver.TrackArrivals = true;
        var total = perSecond * seconds;
        var publishes = new List<Task<(string Id, long Started)>>(total);
        var start = Stopwatch.GetTimestamp();
        while (publishes.Count < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
            while (publishes.Count < due)
            {
                var sequence = publishes.Count;
                publishes.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = await host.Publisher.PublishAsync("bench.event", BenchEvent.Create(sequence));
                    return (result.MessageId, started);
                }));
            }

            await Task.Delay(1);
        }

        var sent = await Task.WhenAll(publishes);
        await UntilAsync(() => Task.FromResult(receiver.Arrivals.Count >= total));
        receiver.TrackArrivals = false;
        var latencies = sent.Select(s => Stopwatch.GetElapsedTime(s.Started, receiver.Arrivals[s.Id]).TotalMilliseconds).Order().ToArray();
        return (latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], total);
    }
    finally
    {
        DeleteFile(file);
    }
}

// Publishes only (nothing delivers): how many durable publish calls per second.
static async Task<double> PublishRate(BenchReceiver receiver, int count, int concurrency)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.StartAsync(file, deliver: false, concurrency);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url }); // Registration resolves the host: loopback, allowed here.
        await Workers(Math.Max(100, count / 10), concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i))); // Warm-up.
        var watch = Stopwatch.StartNew();
        await Workers(count, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));
        return count / watch.Elapsed.TotalSeconds;
    }
    finally
    {
        DeleteFile(file);
    }
}

static async Task<(double Rate, double PeakMegabytes)> DrainInChild(int pending, int measure)
{
    using var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(BenchEvent).Assembly.Location, "--drain", pending.ToString(), measure.ToString()])
    {
        RedirectStandardOutput = true,
    })!;
    var output = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    var values = JsonSerializer.Deserialize<double[]>(output.Trim().Split('\n')[^1])!;
    return (values[0], values[1]);
}

// With `pending` deliveries waiting, how fast does a dispatcher deliver `measure` of them (after a warm-up
// of a tenth as many), and how much memory does the process take?
static async Task<(double Rate, double PeakMegabytes)> Drain(int pending, int measure)
{
    var file = NewFile();
    try
    {
        await using var receiver = await BenchReceiver.StartAsync();
        await using (var publisher = await BenchHost.StartAsync(file, deliver: false, 64))
        {
            await publisher.Endpoints.CreateAsync(new() { Url = receiver.Url });
            await Workers(pending, 256, i => publisher.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));
        }

        double rate;
        await using (var dispatcher = await BenchHost.StartAsync(file, deliver: true, 64))
        {
            var warmUp = measure / 10;
            await UntilAsync(() => Task.FromResult(receiver.Count >= warmUp));
            var watch = Stopwatch.StartNew();
            await UntilAsync(() => Task.FromResult(receiver.Count >= warmUp + measure));
            rate = measure / watch.Elapsed.TotalSeconds;
        }

        return (rate, Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
    }
    finally
    {
        DeleteFile(file);
    }
}

// Runs `work(0..count-1)` on `concurrency` workers.
static Task Workers(int count, int concurrency, Func<int, Task> work)
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

static async Task UntilAsync(Func<Task<bool>> condition)
{
    while (!await condition())
    {
        await Task.Delay(20);
    }
}

static string NewFile() => Path.Combine(Path.GetTempPath(), $"hookline-bench-{Guid.NewGuid():N}.db");

static void DeleteFile(string file)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (var suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(file + suffix);
    }
}

/// <summary>The store's throughput and CPU per delivery, and the wall time per delivery of each call.</summary>
internal sealed record StoreCost(Throughput Total, double Append, double Lease, double Record);

/// <summary>Items a second, and the process's CPU time per item (all threads: sender, receiver, store).</summary>
internal sealed record Throughput(double PerSecond, double CpuMicroseconds)
{
    public static Measurement Start(int count) => new(count, Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime);

    public static Throughput Median(List<Throughput> rounds) =>
        new(rounds.Select(r => r.PerSecond).Order().ElementAt(rounds.Count / 2), rounds.Select(r => r.CpuMicroseconds).Order().ElementAt(rounds.Count / 2));

    public override string ToString() => $"{PerSecond:0}/s, {CpuMicroseconds:0} µs CPU each";

    internal sealed record Measurement(int Count, Stopwatch Watch, TimeSpan Cpu)
    {
        public Throughput Stop() =>
            new(Count / Watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - Cpu).TotalMicroseconds / Count);
    }
}
