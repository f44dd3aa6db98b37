// Hookline's end-to-end benchmark. Run: dotnet run -c Release --project bench/Hookline.Bench [-- --quick]
// Every number is measured in this run, against a receiver in this process on 127.0.0.1; ratios
// compare Hookline with a plain pooled HttpClient measured the same way, on the same machine.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Hookline;
using Hookline.Storage;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is ["--drain", var pendingArg, var measureArg])
{
    // A child run (see Drain below): its own process, so its peak memory is its own.
    var (rate, peak) = await Drain(int.Parse(pendingArg), int.Parse(measureArg));
    Console.WriteLine(JsonSerializer.Serialize(new[] { rate, peak }));
    return;
}

if (args is ["--instance", var connectionString])
{
    // A child run (see BenchInstance): one app instance on PostgreSQL.
    await BenchInstance.ServeAsync(connectionString);
    return;
}

var quick = args.Contains("--quick");
var endToEndOnly = args.Contains("--end-to-end"); // the ratio rows alone (PostgreSQL one instance), for A/B comparisons
const int Concurrency = 64;
var rounds = quick ? 1 : 3;
var deliveries = quick ? 5_000 : 50_000;
var latencySeconds = quick ? 3 : 15;
var backlog = quick ? 100_000 : 1_000_000;
var drainMeasure = quick ? 5_000 : 20_000;
var fanOutEndpoints = quick ? 1_000 : 10_000;

await using var receiver = await BenchReceiver.StartAsync();

// PostgreSQL's rows need a server (HOOKLINE_BENCH_POSTGRES, or the one .ci/run starts); without one they are left out.
var postgresUnavailable = await BenchDatabase.UnavailableAsync();
int[] instanceCounts = postgresUnavailable is not null ? [] : endToEndOnly ? [1] : [1, 2, 3];
if (postgresUnavailable is not null)
{
    Console.Error.WriteLine($"PostgreSQL rows left out: {postgresUnavailable}");
}

// The store-alone rows: each store's own cost, in rounds after an unreported warm-up round; the SQLite median is returned.
async Task<StoreCost> StoreRows()
{
    var sqliteStores = new List<StoreCost>();
    var postgresStores = new List<StoreCost>();
    for (var round = 0; round <= rounds; round++)
    {
        var sqliteRound = await SqliteStoreAlone(receiver, deliveries);
        var postgresRound = postgresUnavailable is null ? await PostgreSqlStoreAlone(receiver, deliveries) : null;
        if (round > 0)
        {
            sqliteStores.Add(sqliteRound);
            postgresStores.AddRange(postgresRound is null ? [] : [postgresRound]);
        }
    }

    var sqlite = StoreCost.Median(sqliteStores);
    Report($"The SQLite store alone, no HTTP: append, expand, lease, record in batches of 64 (median of {rounds})", sqlite.ToString());
    if (postgresStores.Count > 0)
    {
        Report(
            $"The PostgreSQL store alone, no HTTP, the same calls (machine CPU, the server's included; median of {rounds})",
            StoreCost.Median(postgresStores).ToString());
    }

    return sqlite;
}

if (args.Contains("--store"))
{
    await StoreRows(); // For A/B comparisons of a store's statements.
    return;
}

if (args.Contains("--capacity"))
{
    // The capacity model's costs (docs/scaling.md): what a delivery costs the app and the PostgreSQL server, in rounds.
    for (var round = 1; round <= rounds; round++)
    {
        Report($"PostgreSQL, one instance, round {round}", (await Capacity.MeasureAsync(receiver, deliveries, Concurrency)).ToString());
    }

    return;
}

if (args.Contains("--fan-out"))
{
    // The fan-out rows alone, without and with payload filters, alternating: what filters cost at fan-out.
    for (var round = 1; round <= rounds; round++)
    {
        var (_, plain) = await FanOut(receiver, fanOutEndpoints, Concurrency, filtered: false);
        var (_, withFilters) = await FanOut(receiver, fanOutEndpoints, Concurrency, filtered: true);
        Report(
            $"Fan-out to {fanOutEndpoints:N0} endpoints, round {round}: without filters; with a filter on each", $"{plain}; {withFilters}");
    }

    return;
}

// Ceiling and end to end alternate, a round each after an unreported warm-up round (JIT, pools), so
// all see the same machine; the medians are reported, with the CPU time each delivery cost.
var ceilings = new List<Throughput>();
var endToEnds = new List<Throughput>();
var postgres = instanceCounts.ToDictionary(n => n, _ => new List<Throughput>());
for (var round = 0; round <= rounds; round++)
{
    var ceilingRound = await Ceiling(receiver, deliveries, Concurrency);
    var endToEndRound = await EndToEnd(receiver, deliveries, Concurrency);
    var postgresRound = new List<string>();
    foreach (var instances in instanceCounts)
    {
        var postgresInstances = await PostgreSqlRuns.EndToEndAsync(receiver, instances, deliveries, Concurrency);
        postgresRound.Add($"PostgreSQL × {instances} {postgresInstances}");
        if (round > 0)
        {
            postgres[instances].Add(postgresInstances);
        }
    }

    if (round > 0)
    {
        ceilings.Add(ceilingRound);
        endToEnds.Add(endToEndRound);
        Console.Error.WriteLine(
            $"round {round}: ceiling {ceilingRound}, end to end {endToEndRound}, ratio {endToEndRound.PerSecond / ceilingRound.PerSecond:0.00}; "
            + string.Join(", ", postgresRound));
    }
}

var ceiling = Throughput.Median(ceilings);
var endToEnd = Throughput.Median(endToEnds);
Report($"Ceiling: plain pooled HttpClient, 1 KB POST (median of {rounds})", $"{ceiling.PerSecond:0} req/s, {ceiling.CpuMicroseconds:0} µs CPU each");
Report($"Hookline end to end: publish → SQLite → dispatch → 2xx → recorded (median of {rounds})", $"{endToEnd.PerSecond:0} deliveries/s, {endToEnd.CpuMicroseconds:0} µs CPU each");
Report("Ratio, end to end / ceiling", $"{endToEnd.PerSecond / ceiling.PerSecond:0.00}");
foreach (var instances in instanceCounts)
{
    var run = Throughput.Median(postgres[instances]);
    Report(
        $"Hookline end to end on PostgreSQL, {instances} instance process(es) (median of {rounds})",
        $"{run.PerSecond:0} deliveries/s, {run.CpuMicroseconds:0} µs machine CPU each");
    if (instances == 1)
    {
        Report("Ratio, PostgreSQL one instance / ceiling", $"{run.PerSecond / ceiling.PerSecond:0.00}");
    }
}

if (endToEndOnly)
{
    return;
}

var store = await StoreRows();

// A CPU-bound delivery costs at least a bare request plus the store's work, so this bounds the ratio.
Report("Bound on the ratio: ceiling CPU / (ceiling CPU + store CPU)", $"{ceiling.CpuMicroseconds / (ceiling.CpuMicroseconds + store.Total.CpuMicroseconds):0.00}");
var (p50, p99, sent) = await Latency(receiver, 1_000, latencySeconds);
Report($"Publish-to-receipt latency at 1,000 events/s ({sent:N0} events)", $"p50 {p50:0.0} ms, p99 {p99:0.0} ms");
var defaultLimit = new WebhookDeliveryOptions().MaxConcurrencyPerEndpoint;
var (limitedP50, limitedP99, limitedSent) = await Latency(receiver, 1_000, latencySeconds, defaultLimit);
Report(
    $"The same with the endpoint at the default concurrency limit ({defaultLimit}): bursts beyond it wait ({limitedSent:N0} events)",
    $"p50 {limitedP50:0.0} ms, p99 {limitedP99:0.0} ms");
if (postgresUnavailable is null)
{
    var (postgresP50, postgresP99, postgresSent) = await PostgreSqlRuns.LatencyAsync(receiver, 3, 1_000, latencySeconds);
    Report(
        $"Publish-to-receipt latency at 1,000 events/s on PostgreSQL, 3 instances publishing and delivering ({postgresSent:N0} events)",
        $"p50 {postgresP50:0.0} ms, p99 {postgresP99:0.0} ms");
}

var (isolationP50, isolationP95, isolationSent) = await Isolation(receiver, latencySeconds);
Report(
    $"Tenant isolation (SQLite, default options): a tenant's 10 endpoints never answer while it publishes 10 events/s to them; another's 10 events/s to a healthy endpoint ({isolationSent} events)",
    $"p50 {isolationP50:0.0} ms, p95 {isolationP95:0.0} ms");
if (postgresUnavailable is null)
{
    var (p50Of3, p95Of3, sentOf3) = await PostgreSqlRuns.IsolationAsync(receiver, 3, latencySeconds);
    Report(
        $"Tenant isolation on PostgreSQL, 3 instances delivering (64 slots each, as in the rows above), the same load ({sentOf3} events)",
        $"p50 {p50Of3:0.0} ms, p95 {p95Of3:0.0} ms");
}
var (fanOutPublish, fanOutDrain) = await FanOut(receiver, fanOutEndpoints, Concurrency, filtered: false);
Report(
    $"Fan-out: one event to {fanOutEndpoints:N0} endpoints of a tenant (SQLite): PublishAsync, then every delivery acknowledged and recorded",
    $"PublishAsync {fanOutPublish:0.0} ms; {fanOutDrain.PerSecond:0} deliveries/s, {fanOutDrain.CpuMicroseconds:0} µs CPU each");
var (_, filteredDrain) = await FanOut(receiver, fanOutEndpoints, Concurrency, filtered: true);
Report(
    $"The same fan-out, each endpoint with a payload filter the event matches (its own: sequence and data compared)",
    $"{filteredDrain.PerSecond:0} deliveries/s, {filteredDrain.CpuMicroseconds:0} µs CPU each: ratio to the row above "
    + $"{filteredDrain.PerSecond / fanOutDrain.PerSecond:0.00}");
var publishing = await PublishUnderLoad(receiver, quick ? 5 : 30, Concurrency);
Report(
    $"Publish, 64 concurrent callers for {(quick ? 5 : 30)} s, delivering meanwhile (group commit; {publishing.Calls:N0} calls)",
    $"{publishing.PerSecond:0} calls/s; each call p50 {publishing.P50:0.0} ms, p99 {publishing.P99:0.0} ms, longest {publishing.Max:0.0} ms");
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

    await Load.Workers(count / 10, concurrency, _ => Post()); // Warm-up.
    var measure = Throughput.Start(count);
    await Load.Workers(count, concurrency, _ => Post());
    return measure.Stop();
}

// (b) Hookline end to end: from the first publish until every delivery is acknowledged and recorded.
static async Task<Throughput> EndToEnd(BenchReceiver receiver, int count, int concurrency)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: true, concurrency);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        await Load.Workers(count / 10, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i))); // Warm-up.
        await Load.UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        receiver.Reset();
        var measure = Throughput.Start(count);
        await Load.Workers(count, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));

        // Counting the backlog reads the pending index, so it is polled only once the receiver has everything.
        await Load.UntilAsync(() => Task.FromResult(receiver.Count >= count));
        await Load.UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        return measure.Stop();
    }
    finally
    {
        DeleteFile(file);
    }
}

// One event to many endpoints of one tenant: how long the publish call takes (it stores the message only; the dispatcher fans
// it out), then how fast its deliveries are acknowledged and recorded, timed from the publish.
static async Task<(double PublishMilliseconds, Throughput Drain)> FanOut(
    BenchReceiver receiver, int endpoints, int concurrency, bool filtered)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: true, concurrency);
        await Load.Workers(endpoints, 8, i => host.Endpoints.CreateAsync(
            new()
            {
                Url = $"{receiver.Url}?endpoint={i}",
                Filters = filtered ? new Dictionary<string, string> { ["bench.event"] = $"sequence >= 0 and data != \"{i}\"" } : null,
            },
            tenant: "acme"));
        await host.Publisher.PublishAsync("bench.event", BenchEvent.Create(0), tenant: "acme"); // Warm-up.
        await Load.UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        receiver.Reset();
        var measure = Throughput.Start(endpoints);
        var publish = Stopwatch.StartNew();
        await host.Publisher.PublishAsync("bench.event", BenchEvent.Create(1), tenant: "acme");
        var publishMilliseconds = publish.Elapsed.TotalMilliseconds;
        await Load.UntilAsync(() => Task.FromResult(receiver.Count >= endpoints));
        await Load.UntilAsync(async () => (await host.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        return (publishMilliseconds, measure.Stop());
    }
    finally
    {
        DeleteFile(file);
    }
}

// The SQLite store's own cost, in its own file.
static async Task<StoreCost> SqliteStoreAlone(BenchReceiver receiver, int count)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: false, 64);
        return await StoreAlone(host, receiver, count, Throughput.Start);
    }
    finally
    {
        DeleteFile(file);
    }
}

// The PostgreSQL store's own cost, in a database of its own; the server's CPU counts too.
static async Task<StoreCost> PostgreSqlStoreAlone(BenchReceiver receiver, int count)
{
    await using var database = await BenchDatabase.CreateAsync();
    await using var host = await BenchHost.PostgreSqlAsync(database.ConnectionString, deliver: false, 64);
    return await StoreAlone(host, receiver, count, Throughput.StartMachine);
}

// A 204 for a delivery leased by the store-alone rows.
static WebhookCompletedAttempt Acknowledged(WebhookLeasedDelivery delivery) => new()
{
    DeliveryId = delivery.Id,
    EndpointId = delivery.EndpointId,
    LeaseOwner = "bench",
    StartedAt = DateTimeOffset.UtcNow,
    Duration = TimeSpan.FromMilliseconds(1),
    StatusCode = 204,
    ErrorKind = WebhookAttemptErrorKind.None,
    Status = WebhookDeliveryStatus.Succeeded,
};

// A store's own cost, one call after another with nothing else running: append 64 messages (durably; ids in order,
// like the publisher's time-ordered ones), expand them into one delivery each, lease them, record a 204 attempt for each.
static async Task<StoreCost> StoreAlone(BenchHost host, BenchReceiver receiver, int count, Func<int, Throughput.Measurement> start)
{
    const int Batch = 64;
    await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
    var payload = JsonSerializer.SerializeToUtf8Bytes(BenchEvent.Create(0), JsonSerializerOptions.Web);
    var phases = new long[4];

    // A first delivery acknowledged, unmeasured: a new endpoint takes one attempt at a time until one succeeds.
    var first = DateTimeOffset.UtcNow;
    await host.Messages.AppendAsync([new WebhookNewMessage($"msg_{int.MaxValue:D26}", "bench.event", "POST", null, payload, first)], default);
    await host.Queue.ExpandAsync(first, 1, default);
    await host.Queue.CompleteAsync([.. (await host.Queue.LeaseAsync(new("bench", first, first.AddSeconds(30), 1), default)).Select(Acknowledged)], first, default);
    var measure = start(count);
    for (var sequence = 0; sequence < count; sequence += Batch)
    {
        var now = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await host.Messages.AppendAsync([.. Enumerable.Range(sequence, Batch).Select(i => new WebhookNewMessage($"msg_{i:D26}", "bench.event", "POST", null, payload, now))], default);
        var appended = Stopwatch.GetTimestamp();
        await host.Queue.ExpandAsync(now, Batch, default);
        var expanded = Stopwatch.GetTimestamp();
        var leased = await host.Queue.LeaseAsync(new("bench", now, now.AddSeconds(30), Batch), default);
        if (leased.Count != Batch)
        {
            throw new InvalidOperationException($"Leased {leased.Count} deliveries of {Batch}: the measurement would be of nothing.");
        }

        var leasedAt = Stopwatch.GetTimestamp();
        await host.Queue.CompleteAsync([.. leased.Select(Acknowledged)], now, default);
        phases[0] += appended - started;
        phases[1] += expanded - appended;
        phases[2] += leasedAt - expanded;
        phases[3] += Stopwatch.GetTimestamp() - leasedAt;
    }

    var total = measure.Stop();
    double Each(long ticks) => ticks * 1e6 / Stopwatch.Frequency / count;
    return new StoreCost(total, Each(phases[0]), Each(phases[1]), Each(phases[2]), Each(phases[3]));
}

// Publish at a fixed rate; latency = receipt at the receiver - start of the publish call.
// A noisy tenant's dead endpoints against a quiet tenant's healthy one, on one instance with the default slots: the quiet
// tenant's publish-to-receipt latency.
static async Task<(double P50, double P95, int Sent)> Isolation(BenchReceiver receiver, int seconds)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: true, 64, perEndpoint: 8);
        return await Load.IsolationAsync(host, receiver, seconds);
    }
    finally
    {
        DeleteFile(file);
    }
}

static async Task<(double P50, double P99, int Sent)> Latency(BenchReceiver receiver, int perSecond, int seconds, int? perEndpoint = null)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: true, 64, perEndpoint);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        receiver.Reset();
        receiver.TrackArrivals = true;
        var sent = await Load.PacedAsync(host.Publisher, 0, perSecond * seconds, perSecond);
        var (p50, p99) = await Load.LatencyAsync(receiver, sent);
        receiver.TrackArrivals = false;
        return (p50, p99, sent.Length);
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
        await using var host = await BenchHost.SqliteAsync(file, deliver: false, concurrency);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url }); // Registration resolves the host: loopback, allowed here.
        await Load.Workers(Math.Max(100, count / 10), concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i))); // Warm-up.
        var watch = Stopwatch.StartNew();
        await Load.Workers(count, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));
        return count / watch.Elapsed.TotalSeconds;
    }
    finally
    {
        DeleteFile(file);
    }
}

// Callers publishing without pause for a while, as a busy API does, while the dispatcher delivers: how long each call waits
// for its own message to be durable (the group committer's caller included), whatever the others do.
static async Task<(int Calls, double PerSecond, double P50, double P99, double Max)> PublishUnderLoad(
    BenchReceiver receiver, int seconds, int concurrency)
{
    var file = NewFile();
    try
    {
        await using var host = await BenchHost.SqliteAsync(file, deliver: true, concurrency);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        await Load.Workers(1_000, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i))); // Warm-up.
        var calls = new System.Collections.Concurrent.ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; watch.Elapsed < until; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await host.Publisher.PublishAsync("bench.event", BenchEvent.Create(i));
                calls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var latencies = calls.Order().ToArray();
        return (
            latencies.Length,
            latencies.Length / watch.Elapsed.TotalSeconds,
            latencies[latencies.Length / 2],
            latencies[(int)(latencies.Length * 0.99)],
            latencies[^1]);
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
        await using (var publisher = await BenchHost.SqliteAsync(file, deliver: false, 64))
        {
            await publisher.Endpoints.CreateAsync(new() { Url = receiver.Url });
            await Load.Workers(pending, 256, i => publisher.Publisher.PublishAsync("bench.event", BenchEvent.Create(i)));
        }

        double rate;
        await using (var dispatcher = await BenchHost.SqliteAsync(file, deliver: true, 64))
        {
            var warmUp = measure / 10;
            await Load.UntilAsync(() => Task.FromResult(receiver.Count >= warmUp));
            var watch = Stopwatch.StartNew();
            await Load.UntilAsync(() => Task.FromResult(receiver.Count >= warmUp + measure));
            rate = measure / watch.Elapsed.TotalSeconds;
        }

        return (rate, Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
    }
    finally
    {
        DeleteFile(file);
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
internal sealed record StoreCost(Throughput Total, double Append, double Expand, double Lease, double Record)
{
    public static StoreCost Median(List<StoreCost> rounds) => rounds.OrderBy(s => s.Total.CpuMicroseconds).ElementAt(rounds.Count / 2);

    public override string ToString() =>
        $"{Total.PerSecond:0} deliveries/s, {Total.CpuMicroseconds:0} µs CPU each "
        + $"(append {Append:0}, expand {Expand:0}, lease {Lease:0}, record {Record:0} µs)";
}

/// <summary>
/// Items a second, and the CPU time per item: the process's (all threads: sender, receiver, store), or, for runs over
/// several processes, the machine's (every process, the database server's included).
/// </summary>
internal sealed record Throughput(double PerSecond, double CpuMicroseconds)
{
    public static Measurement Start(int count) => new(count, Stopwatch.StartNew(), ProcessCpu, ProcessCpu());

    public static Measurement StartMachine(int count) => new(count, Stopwatch.StartNew(), MachineCpu, MachineCpu());

    public static Throughput Median(List<Throughput> rounds) =>
        new(rounds.Select(r => r.PerSecond).Order().ElementAt(rounds.Count / 2), rounds.Select(r => r.CpuMicroseconds).Order().ElementAt(rounds.Count / 2));

    public override string ToString() => $"{PerSecond:0}/s, {CpuMicroseconds:0} µs CPU each";

    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Busy time of all CPUs (user, nice, system, irq, softirq) from <c>/proc/stat</c>, in clock ticks of 10 ms.</summary>
    private static TimeSpan MachineCpu()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return TimeSpan.FromMilliseconds(10 * (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]));
    }

    internal sealed record Measurement(int Count, Stopwatch Watch, Func<TimeSpan> Clock, TimeSpan Cpu)
    {
        public Throughput Stop() => new(Count / Watch.Elapsed.TotalSeconds, (Clock() - Cpu).TotalMicroseconds / Count);
    }
}
