using System.Collections.Concurrent;
using System.Text;
using Hookline.PostgreSql;
using Hookline.Storage;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>Several app instances on one PostgreSQL database: each with a data source (a connection pool) of its own, as processes have.</summary>
public sealed class PostgreSqlInstancesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }

    [SkippableFact]
    public async Task Initialize_ManyInstancesAtOnce_MigratesOnce()
    {
        TestPostgres.SkipUnlessAvailable();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Instance().InitializeAsync(default)));

        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand($"SELECT count(*), max(version) FROM {_schema}.schema_versions;", connection);
        await using var reader = await versions.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((long)PostgreSqlSchema.Migrations.Length, reader.GetInt64(0));
        Assert.Equal(PostgreSqlSchema.Migrations.Length, reader.GetInt32(1));
    }

    [SkippableFact]
    public async Task Lease_FourInstancesAtOnce_NeverLeaseTheSameDelivery()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Deliveries = 400;
        var instances = Enumerable.Range(0, 4).Select(_ => Instance()).ToList();
        await instances[0].InitializeAsync(default);
        await SeedAsync(instances[0], ["ep_0001"], Deliveries);
        Assert.Equal(Deliveries, await instances[0].ExpandAsync(s_t0, 1_000, default));

        // Until all are leased: a lease may come back empty while another instance leases the same endpoint.
        var leased = new ConcurrentBag<(string Owner, long Id)>();
        await Task.WhenAll(instances.Select((store, i) => Task.Run(async () =>
        {
            var owner = $"instance-{i}";
            for (var tries = 0; leased.Count < Deliveries && tries < 10 * Deliveries; tries++)
            {
                foreach (var delivery in await store.LeaseAsync(new(owner, s_t0.AddHours(1), s_t0.AddHours(2), 7), default))
                {
                    leased.Add((owner, delivery.Id));
                }
            }
        })));

        Assert.Equal(Deliveries, leased.Count);
        Assert.Equal(Deliveries, leased.Select(l => l.Id).Distinct().Count());
        Assert.True(leased.Select(l => l.Owner).Distinct().Count() > 1, "One instance leased everything: the others never ran at once.");
    }

    [SkippableFact]
    public async Task Lease_FourInstancesAtOnce_NeverHoldMoreThanTheEndpointsLimitBetweenThem()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Deliveries = 150, Limit = 3;
        var instances = Enumerable.Range(0, 4).Select(_ => Instance()).ToList();
        await instances[0].InitializeAsync(default);
        await SeedAsync(instances[0], ["ep_0001"], Deliveries);
        await instances[0].ExpandAsync(s_t0, 1_000, default);

        // Each lease sees its own time, a second after the last (past the time a held-back delivery is due again); leases run
        // for a month, so none runs out. Held counts a lease once it returned and stops counting it before its completion: it
        // never exceeds what the store holds leased, so above the limit it proves the store let more through.
        var clock = 0L;
        var gate = new object();
        var held = 0;
        var mostHeld = 0;
        var completed = 0;
        var owners = new ConcurrentBag<string>();
        await Task.WhenAll(instances.Select((store, i) => Task.Run(async () =>
        {
            var owner = $"instance-{i}";
            while (Volatile.Read(ref completed) < Deliveries)
            {
                var now = s_t0.AddSeconds(Interlocked.Increment(ref clock));
                var batch = await store.LeaseAsync(new(owner, now, s_t0.AddDays(30), 5) { MaxPerEndpoint = Limit }, default);
                if (batch.Count == 0)
                {
                    continue;
                }

                owners.Add(owner);
                lock (gate)
                {
                    held += batch.Count;
                    mostHeld = Math.Max(mostHeld, held);
                }

                await Task.Yield();
                lock (gate)
                {
                    held -= batch.Count;
                }

                await store.CompleteAsync([.. batch.Select(d => Succeeded(d, owner, now))], now, default);
                Interlocked.Add(ref completed, batch.Count);
            }
        })));

        Assert.Equal(Limit, mostHeld);
        Assert.Equal(Deliveries, completed);
        Assert.True(owners.Distinct().Count() > 1, "One instance leased everything: the others never ran at once.");
    }

    [SkippableFact]
    public async Task Lease_FourInstancesAtOnce_SendToARateLimitedEndpointOncePerInterval()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Deliveries = 30;
        var interval = TimeSpan.FromMilliseconds(100);
        var instances = Enumerable.Range(0, 4).Select(_ => Instance()).ToList();
        await instances[0].InitializeAsync(default);
        await SeedAsync(instances[0], ["ep_0001"], Deliveries, rateLimit: 10);
        await instances[0].ExpandAsync(s_t0, 1_000, default);

        // One clock for every instance, moved on a little before each lease, as time passes while they lease at once.
        var time = new FakeTimeProvider(s_t0.AddSeconds(1));
        var leasedAt = new ConcurrentBag<(string Owner, DateTimeOffset At)>();
        await Task.WhenAll(instances.Select((store, i) => Task.Run(async () =>
        {
            var owner = $"instance-{i}";
            while (leasedAt.Count < Deliveries)
            {
                time.Advance(TimeSpan.FromMilliseconds(7));
                var now = time.GetUtcNow();
                foreach (var delivery in await store.LeaseAsync(new(owner, now, s_t0.AddDays(1), 10), default))
                {
                    leasedAt.Add((owner, now));
                }
            }
        })));

        var times = leasedAt.Select(l => l.At).Order().ToList();
        Assert.Equal(Deliveries, times.Count);
        // One send per slot: every lease of the endpoint at least an interval after the one before it.
        Assert.All(
            times.Zip(times.Skip(1)),
            pair => Assert.True(pair.Second - pair.First >= interval, $"Leases at {pair.First:O} and {pair.Second:O}."));
        Assert.True(leasedAt.Select(l => l.Owner).Distinct().Count() > 1, "One instance leased everything: the others never ran at once.");
    }

    private static WebhookCompletedAttempt Succeeded(WebhookLeasedDelivery delivery, string owner, DateTimeOffset at) => new()
    {
        DeliveryId = delivery.Id,
        EndpointId = delivery.EndpointId,
        LeaseOwner = owner,
        StartedAt = at,
        Duration = TimeSpan.FromMilliseconds(1),
        StatusCode = 204,
        ErrorKind = WebhookAttemptErrorKind.None,
        Status = WebhookDeliveryStatus.Succeeded,
    };

    /// <summary>Endpoints of alice's with these ids (whose latest attempt succeeded), and <paramref name="messages"/> messages for her, one a millisecond.</summary>
    private static async Task SeedAsync(PostgreSqlWebhookStore store, string[] endpointIds, int messages, int? rateLimit = null)
    {
        foreach (var id in endpointIds)
        {
            await store.CreateEndpointAsync(
                new WebhookEndpoint
                {
                    Id = id,
                    Tenant = "alice",
                    Url = "http://127.0.0.1:9/hook",
                    RateLimit = rateLimit,
                    Secrets = [new WebhookEndpointSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", s_t0)],
                    CreatedAt = s_t0,
                    UpdatedAt = s_t0,
                    ConsecutiveFailures = 0, // Its circuit closed: it takes up to its limit at once.
                },
                null,
                default);
        }

        var payload = Encoding.UTF8.GetBytes("{}");
        await store.AppendAsync(
            [.. Enumerable.Range(0, messages).Select(i => new WebhookNewMessage($"msg_{i:D4}", "new-subscription", "POST", "alice", payload, s_t0.AddMilliseconds(i), null))],
            default);
    }

    private PostgreSqlWebhookStore Instance()
    {
        var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        _dataSources.Add(dataSource);
        return new PostgreSqlWebhookStore(dataSource, _schema);
    }

    [SkippableFact]
    public async Task Expand_FourInstancesAtOnce_NeverExpandTheSameMessage()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Messages = 400;
        var instances = Enumerable.Range(0, 4).Select(_ => Instance()).ToList();
        await instances[0].InitializeAsync(default);
        await SeedAsync(instances[0], ["ep_0001", "ep_0002"], Messages);

        var expanded = new ConcurrentBag<(int Instance, int Count)>();
        await Task.WhenAll(instances.Select((store, i) => Task.Run(async () =>
        {
            while (await store.ExpandAsync(s_t0, 5, default) is > 0 and var count)
            {
                expanded.Add((i, count));
            }
        })));

        Assert.Equal(Messages, expanded.Sum(e => e.Count));
        Assert.True(expanded.Select(e => e.Instance).Distinct().Count() > 1, "One instance expanded everything: the others never ran at once.");
        var backlog = await instances[1].GetBacklogAsync(s_t0.AddHours(1), default);
        Assert.Equal(Messages * 2, backlog.Pending);
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion1_CountsItsMessagesAsExpanded()
    {
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            1,
            """
            INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:00Z');
            """);

        var store = Instance();
        await store.InitializeAsync(default);

        Assert.Equal(0, await store.ExpandAsync(s_t0, 10, default));
        Assert.Equal(0, (await store.GetBacklogAsync(s_t0.AddDays(1), default)).Pending);
        await store.AppendAsync([new WebhookNewMessage("msg_0002", "new-subscription", "POST", "alice", Encoding.UTF8.GetBytes("{}"), s_t0)], default);
        Assert.Equal(1, await store.ExpandAsync(s_t0, 10, default)); // New messages wait to be expanded.
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion3_CountsItsAttemptsByHour()
    {
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            3,
            """
            INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:00Z');
            INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
            VALUES ('msg_0001', 'ep_0001', 1, 3, '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z');
            INSERT INTO {schema}.attempts (delivery_id, started_at, duration_us, status_code, error_kind, error)
            SELECT id, t, 10, code, kind, error FROM {schema}.deliveries, (VALUES
                (timestamptz '2026-11-23T12:20:00Z', 502, 1::smallint, 'later'),
                (timestamptz '2026-11-23T12:10:00Z', 500, 1::smallint, 'earlier'),
                (timestamptz '2026-11-23T13:00:00Z', 200, 0::smallint, NULL)) AS a (t, code, kind, error);
            """);

        var store = Instance();
        await store.InitializeAsync(default);

        Assert.Equal(
            [
                new WebhookAttemptHour("ep_0001", s_t0, 0, 2, new WebhookLastFailure(s_t0.AddMinutes(20), 502, WebhookAttemptErrorKind.HttpStatus, "later")),
                new WebhookAttemptHour("ep_0001", s_t0.AddHours(1), 1, 0, null),
            ],
            await store.QueryAttemptStatsAsync(new WebhookAttemptStatsQuery { Tenant = "alice", Since = s_t0 }, default));
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion5_QueuesItsUnexpandedMessages()
    {
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            5,
            """
            INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at, expanded)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:00Z', true),
                   ('msg_0002', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:01Z', false);
            """);

        var store = Instance();
        await store.InitializeAsync(default);

        Assert.Equal(1, (await store.GetBacklogAsync(s_t0.AddDays(1), default)).Pending); // The one not yet expanded waits.
        Assert.Equal(1, await store.ExpandAsync(s_t0, 10, default));
        var leased = await store.LeaseAsync(new("w", s_t0.AddDays(1), s_t0.AddDays(2), 10), default);
        Assert.Equal(["msg_0002"], leased.Select(d => d.MessageId));
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion6_KeepsItsCountsAndSumsEveryShardOfAnHour()
    {
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            6,
            """
            INSERT INTO {schema}.attempt_hours
                (endpoint_id, hour, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error)
            VALUES ('ep_0001', '2026-11-23T12:00:00Z', 1, 1, '2026-11-23T12:10:00Z', 500, 1, 'earlier');
            """);

        var store = Instance();
        await store.InitializeAsync(default);
        await ExecuteAsync(
            """
            INSERT INTO {schema}.attempt_hours
                (endpoint_id, hour, shard, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error)
            VALUES ('ep_0001', '2026-11-23T12:00:00Z', 5, 2, 1, '2026-11-23T12:20:00Z', NULL, 2, 'later'),
                   ('ep_0001', '2026-11-23T12:00:00Z', 6, 4, 0, NULL, NULL, NULL, NULL);
            """);

        Assert.Equal(
            [new WebhookAttemptHour("ep_0001", s_t0, 7, 2, new WebhookLastFailure(s_t0.AddMinutes(20), null, WebhookAttemptErrorKind.Timeout, "later"))],
            await store.QueryAttemptStatsAsync(new WebhookAttemptStatsQuery { Tenant = "alice", Since = s_t0 }, default));
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion12_KeepsTheLatestSuccessOfEachHourFromItsAttempts()
    {
        // Hours counted before: ep_0001's from attempts still stored (both shards of its hour); ep_0002's attempts were purged,
        // so its hour answers its start.
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            12,
            """
            INSERT INTO {schema}.endpoints (id, tenant, url, enabled, secrets, created_at, updated_at, version)
            VALUES ('ep_0002', 'alice', 'http://127.0.0.1:9/other', true, '[]', '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z', 1);
            INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:00Z');
            INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
            VALUES ('msg_0001', 'ep_0001', 2, 3, '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z');
            INSERT INTO {schema}.attempts (delivery_id, started_at, duration_us, status_code, error_kind, error)
            SELECT id, t, 10, code, kind, error FROM {schema}.deliveries, (VALUES
                (timestamptz '2026-11-23T12:20:00Z', 200, 0::smallint, NULL),
                (timestamptz '2026-11-23T12:10:00Z', 204, 0::smallint, NULL),
                (timestamptz '2026-11-23T13:01:00Z', 500, 1::smallint, 'later')) AS a (t, code, kind, error);
            INSERT INTO {schema}.attempt_hours (endpoint_id, hour, shard, succeeded, failed) VALUES
                ('ep_0001', '2026-11-23T12:00:00Z', 0, 1, 0), ('ep_0001', '2026-11-23T12:00:00Z', 3, 1, 0),
                ('ep_0001', '2026-11-23T13:00:00Z', 0, 0, 1), ('ep_0002', '2026-11-23T14:00:00Z', 0, 1, 0);
            """);

        var store = Instance();
        await store.InitializeAsync(default);

        Assert.Equal(
            [("ep_0001", s_t0.AddMinutes(20)), ("ep_0002", s_t0.AddHours(2))],
            (await store.QueryLastSuccessesAsync("alice", null, default)).Select(s => (s.Key, s.Value)).Order());
    }

    [SkippableFact]
    public async Task Initialize_SchemaVersion14_FeedsItsMessagesOldestFirst_AndThoseOfLaterTransactionsAfterThem()
    {
        // Two messages from before ordered delivery (no seq), one from after it.
        TestPostgres.SkipUnlessAvailable();
        await SchemaAtVersionAsync(
            14,
            """
            INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at, seq) VALUES
                ('msg_0002', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:01Z', NULL),
                ('msg_0001', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:00Z', NULL),
                ('msg_0003', 'new-subscription', 'POST', 'alice', '\x7b7d', '2026-11-23T12:00:02Z', 1);
            """);

        var store = Instance();
        await store.InitializeAsync(default);
        var polling = new WebhookEndpoint { Id = "ep_0002", Tenant = "alice", Url = null, Secrets = [], CreatedAt = s_t0 };
        Assert.True(await store.CreateEndpointAsync(polling, null, default));
        var later = new WebhookNewMessage("msg_0004", "new-subscription", "POST", "alice", Encoding.UTF8.GetBytes("{}"), s_t0);
        await store.AppendAsync([later], default);
        await TestPostgres.SettleAsync();

        var page = await store.ReadFeedAsync(new WebhookFeedQuery { Endpoint = polling }, default);

        Assert.Equal(["msg_0001", "msg_0002", "msg_0003", "msg_0004"], page.Messages.Select(m => m.Message.Id));
    }

    /// <summary>This test's schema as an older Hookline left it: the first <paramref name="version"/> migrations, endpoint ep_0001, then <paramref name="rows"/> (in <c>{schema}</c>).</summary>
    private async Task SchemaAtVersionAsync(int version, string rows)
    {
        await ExecuteAsync(
            $"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.schema_versions (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            {string.Join('\n', PostgreSqlSchema.Migrations.Take(version))}
            INSERT INTO {_schema}.schema_versions (version) SELECT generate_series(1, {version});
            INSERT INTO {_schema}.endpoints (id, tenant, url, enabled, secrets, created_at, updated_at, version)
            VALUES ('ep_0001', 'alice', 'http://127.0.0.1:9/hook', true, '[]', '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z', 1);
            {rows}
            """);
    }

    /// <summary>Runs <paramref name="sql"/> against this test's schema (<c>{schema}</c>).</summary>
    private Task ExecuteAsync(string sql) => TestPostgres.ExecuteAsync(sql.Replace("{schema}", _schema, StringComparison.Ordinal));
}
