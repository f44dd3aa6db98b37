using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Hookline.PostgreSql;
using Hookline.Tests.Management;
using Npgsql;
using Xunit.Abstractions;

namespace Hookline.Tests.Sample;

/// <summary>
/// Three instances of the sample on one PostgreSQL database, as a deployment runs them: they publish 10,000 events between
/// them and deliver them while one is killed and another restarted.
/// </summary>
public sealed class SampleInstancesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 10_000;
    private const int RequestsAtOnce = 32;
    private readonly string _database = TestPostgres.NewSchema();
    private readonly List<SampleProcess> _processes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(_database);
    }

    [SkippableFact]
    public async Task ThreeInstances_OneKilledOneRestartedMidBacklog_DeliverEveryEvent_NoneTwiceAtOnce()
    {
        TestPostgres.SkipUnlessAvailable();
        var clock = Stopwatch.StartNew();
        var connectionString = await TestPostgres.CreateDatabaseAsync(_database);
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using (var fast = database.CreateCommand($"ALTER DATABASE {_database} SET synchronous_commit = off"))
        {
            // Commits do not wait for the disk: the test kills app instances, never the database server, so nothing is lost.
            await fast.ExecuteNonQueryAsync();
        }

        var receiver = new Receiver();
        await using var server = await TestReceiver.StartAsync(receiver.RespondAsync);
        var instances = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartAsync(connectionString)));
        var secrets = new Dictionary<string, string>();
        foreach (var key in new[] { SampleFactory.AliceKey, SampleFactory.BobKey })
        {
            using var tenant = instances[0].Process.Client(key);
            secrets[$"/{key}"] = (await ManagementApi.RegisterAsync(tenant, $"{server.BaseUrl}/{key}"))["secret"]!.GetValue<string>();
        }

        using var http = new HttpClient();
        var next = -1;
        var created = 0;
        var publishing = Task.WhenAll(Enumerable.Range(0, RequestsAtOnce).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Events; i = Interlocked.Increment(ref next))
            {
                await PublishAsync(http, instances, i);
                Interlocked.Increment(ref created);
            }
        })));

        // A publish request that fails fails the test at once, not when the wait for its share times out.
        Task PublishedAsync(int count, string what) => Eventually.HoldsAsync(
            async () =>
            {
                if (publishing.IsFaulted)
                {
                    await publishing;
                }

                return Volatile.Read(ref created) >= count;
            },
            what,
            TimeSpan.FromSeconds(120));

        // Mid-backlog (a third of the events published, and the rest still to come): SIGKILL one instance.
        await PublishedAsync(Events / 3, "a third published");
        await instances[0].CloseAsync();
        var killed = instances[0].Process.Process;
        Assert.Equal(137, await killed.KillAsync());
        var inFlightAtKill = await LeasedByAsync(database, killed.Id);
        // Two thirds published: a rolling restart of another, SIGTERM then started again.
        await PublishedAsync(2 * Events / 3, "two thirds published");
        await instances[1].CloseAsync();
        var stopped = instances[1].Process.Process;
        Assert.Equal(0, await stopped.TerminateAsync());
        instances[1].Open(await StartProcessAsync(connectionString));
        await publishing;
        var published = clock.Elapsed;

        var store = new PostgreSqlWebhookStore(database, "hookline");
        await Eventually.HoldsAsync(
            async () => receiver.Distinct == Events && (await store.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0,
            $"every event delivered and recorded, the killed instance's leases run out",
            TimeSpan.FromSeconds(120));

        var requests = server.Requests;
        var duplicates = requests.Count - receiver.Distinct;
        var restarted = instances[1].Process.Process;
        var untouched = instances[2].Process.Process;
        output.WriteLine(
            $"{Events} events published in {published.TotalSeconds:0.0} s, all delivered by {clock.Elapsed.TotalSeconds:0.0} s; "
            + $"{requests.Count} requests, {duplicates} duplicates, {inFlightAtKill} in flight at the kill; delivered per process "
            + $"(its log): killed {Delivered(killed)}, stopped {Delivered(stopped)}, "
            + $"restarted {Delivered(restarted)}, untouched {Delivered(untouched)}");

        Assert.All(requests, r => Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSecret.Parse(secrets[r.Path])).Verify(
                r.Headers["webhook-id"], r.Headers["webhook-timestamp"], r.Headers["webhook-signature"], r.Body)));
        Assert.Equal(Events, requests.Select(r => (r.Path, JsonNode.Parse(r.Body)!["username"]!.GetValue<string>())).Distinct().Count());
        Assert.Equal((Events, Events), (await CountAsync(database, "hookline.messages"), await CountAsync(database, "subscriptions")));
        Assert.Empty(receiver.Overlaps);
        // A delivery is sent again only if its lease ran out unrecorded: those the killed instance had leased.
        Assert.True(duplicates <= inFlightAtKill, $"{duplicates} sent twice, more than the {inFlightAtKill} in flight at the kill.");
        Assert.True(Delivered(restarted) > 0 && Delivered(untouched) > 0, "A surviving instance delivered nothing.");
    }

    private static int Delivered(DotnetProcess process) =>
        process.Lines.Count(l => l.TrimStart().StartsWith("Delivered msg_", StringComparison.Ordinal));

    /// <summary>Subscribes user <paramref name="i"/> through an open instance, as alice and bob in turn: it must be created.</summary>
    private static async Task PublishAsync(HttpClient http, Instance[] instances, int i)
    {
        for (var turn = i; ; turn++)
        {
            var instance = instances[turn % instances.Length];
            if (!instance.TryEnter())
            {
                continue;
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{instance.Process.Url}/subscriptions")
                {
                    Content = JsonContent.Create(new { username = $"user{i}", monthlyFee = i % 100, startDate = "2026-11-23T10:00:00Z" }),
                    Headers = { { "X-Api-Key", i % 2 == 0 ? SampleFactory.AliceKey : SampleFactory.BobKey } },
                };
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"user{i}: {await response.Content.ReadAsStringAsync()}");
                return;
            }
            finally
            {
                instance.Exit();
            }
        }
    }

    private async Task<Instance> StartAsync(string connectionString) => new(await StartProcessAsync(connectionString));

    private async Task<SampleProcess> StartProcessAsync(string connectionString)
    {
        var process = await SampleProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            // Leases last twice the 15 s attempt timeout: the killed instance's run out while the others still publish.
            ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:00.100",
            ["Webhooks:Delivery:RetrySchedule:1"] = "00:00:01",
            ["Webhooks:Delivery:PollInterval"] = "00:00:00.100",
            // Each instance logs each delivery it made: which instance sent what.
            ["Logging:LogLevel:Hookline.WebhookDispatcher"] = "Debug",
        });
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Deliveries a process leased and did not complete: its attempts in flight when it died (leased for 30 s).</summary>
    private static async Task<long> LeasedByAsync(NpgsqlDataSource database, int processId)
    {
        await using var count = database.CreateCommand("SELECT count(*) FROM hookline.deliveries WHERE status = 0 AND lease_owner LIKE $1");
        count.Parameters.Add(new() { Value = $"%/{processId}/%" }); // The owner is "machine/pid/guid".
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, string table)
    {
        await using var count = database.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>An instance and the publish requests it has open: closed to new ones, and those drained, before it is stopped.</summary>
    private sealed class Instance(SampleProcess process)
    {
        private volatile bool _open = true;
        private int _requests;

        public SampleProcess Process { get; private set; } = process;

        public bool TryEnter()
        {
            Interlocked.Increment(ref _requests);
            if (_open)
            {
                return true;
            }

            Exit();
            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _requests);

        public Task CloseAsync()
        {
            _open = false;
            return Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref _requests) == 0), "its publish requests answered");
        }

        public void Open(SampleProcess process)
        {
            Process = process;
            _open = true;
        }
    }

    /// <summary>Answers 204 after a moment; flags a <c>webhook-id</c> that arrives while a request with it is still open.</summary>
    private sealed class Receiver
    {
        private readonly ConcurrentDictionary<string, bool> _received = new();
        private readonly ConcurrentDictionary<string, bool> _open = new();
        private readonly ConcurrentQueue<string> _overlaps = new();

        public int Distinct => _received.Count;

        public IReadOnlyCollection<string> Overlaps => _overlaps;

        public async Task RespondAsync(HttpContext context)
        {
            var id = context.Request.Headers["webhook-id"].ToString();
            _received.TryAdd(id, true);
            if (!_open.TryAdd(id, true))
            {
                _overlaps.Enqueue(id);
            }

            try
            {
                await Task.Delay(5); // Open long enough that two senders of one delivery at once would overlap here.
                context.Response.StatusCode = 204;
            }
            finally
            {
                _open.TryRemove(id, out _);
            }
        }
    }
}
