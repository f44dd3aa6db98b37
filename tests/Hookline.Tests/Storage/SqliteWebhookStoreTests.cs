using Hookline.Sqlite;
using Hookline.Storage;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Hookline.Tests.Storage;

/// <summary>The conformance suite on a fresh SQLite file per test.</summary>
public sealed class SqliteWebhookStoreTests : WebhookStoreConformanceTests
{
    private readonly string _file = SqliteTestFiles.NewPath();

    protected override Task<IWebhookStore> CreateStoreAsync() =>
        Task.FromResult<IWebhookStore>(new SqliteWebhookStore($"Data Source={_file}"));

    protected override async Task<DbConnection> OpenAppConnectionAsync()
    {
        var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        return connection;
    }

    public override Task DisposeAsync()
    {
        ((SqliteWebhookStore)Store).Dispose();
        SqliteTestFiles.Delete(_file);

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Initialize_UsesWalAndRecordsTheSchemaVersion()
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT max(version) FROM hookline_schema;";
        Assert.Equal((long)SqliteSchema.Migrations.Length, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Lease_UsesThePartialDueIndex()
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE status = 0 AND next_attempt_at <= 1 ORDER BY next_attempt_at LIMIT 10;";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Contains("ix_deliveries_due", reader.GetString(3));
    }

    [Fact]
    public async Task QueryEndpoints_SeeksTheTenantAndIdIndex()
    {
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM endpoints WHERE tenant IS 'alice' AND id < 'ep_2' ORDER BY id DESC LIMIT 10;";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Contains("ix_endpoints_tenant_id (tenant=? AND id<?)", reader.GetString(3));
        Assert.False(await reader.ReadAsync(), "no separate sort step");
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema2_GivesItsEndpointsVersion1()
    {
        var file = await DatabaseAtVersionAsync(2, "");
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);

            var endpoint = (await store.GetEndpointAsync("ep_0001", default))!;
            Assert.Equal(1, endpoint.Version);
            Assert.Equal(["ep_0001"], (await store.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = "alice" }, default)).Select(e => e.Id));
            Assert.Equal(WebhookEndpointWrite.Written, await store.UpdateEndpointAsync(endpoint with { Description = "migrated" }, default));
            Assert.Equal(2, (await store.GetEndpointAsync("ep_0001", default))!.Version);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema3_CountsItsMessagesAsExpanded()
    {
        var file = await DatabaseAtVersionAsync(
            3, "INSERT INTO messages (id, webhook, method, tenant, payload, created_at) VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', x'7b7d', 0);");
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);

            // Stored with its deliveries (none here) before fan-out moved after commit: never expanded again.
            Assert.Equal(0, await store.ExpandAsync(DateTimeOffset.UnixEpoch, 10, default));
            Assert.Empty(await store.ListDeliveriesAsync("msg_0001", default));
            Assert.Equal(0, (await store.GetBacklogAsync(DateTimeOffset.UnixEpoch.AddDays(1), default)).Pending);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task QueryAttemptStats_SeeksEachEndpointsHoursByPrimaryKey()
    {
        // The stats query's plan: the tenant's endpoints by index, then each one's hours by a range of the primary key, never a scan.
        await using var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = """
            EXPLAIN QUERY PLAN
            SELECT h.endpoint_id, h.hour, h.succeeded, h.failed
            FROM endpoints e JOIN attempt_hours h ON h.endpoint_id = e.id AND h.hour >= 1
            WHERE e.tenant = 'alice' AND (NULL IS NULL OR e.id = NULL)
            ORDER BY h.endpoint_id, h.hour;
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("ix_endpoints_tenant_id (tenant=?", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("h USING PRIMARY KEY (endpoint_id=? AND hour>?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema4_CountsItsAttemptsByHour()
    {
        var file = await DatabaseAtVersionAsync(
            4,
            """
            INSERT INTO messages (id, webhook, method, tenant, payload, created_at)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', x'7b7d', 0);
            INSERT INTO deliveries (id, message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
            VALUES (1, 'msg_0001', 'ep_0001', 1, 3, 0, 0);
            INSERT INTO attempts (delivery_id, started_at, duration_us, status_code, error_kind, error) VALUES
                (1, 1200000, 10, 502, 1, 'later'), (1, 600000, 10, 500, 1, 'earlier'), (1, 3600000, 10, 200, 0, NULL);
            """);
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);

            var epoch = DateTimeOffset.UnixEpoch;
            var hours = await store.QueryAttemptStatsAsync(new WebhookAttemptStatsQuery { Tenant = "alice", Since = epoch }, default);

            Assert.Equal(
                [
                    new WebhookAttemptHour(
                        "ep_0001", epoch, 0, 2, new WebhookLastFailure(epoch.AddMinutes(20), 502, WebhookAttemptErrorKind.HttpStatus, "later")),
                    new WebhookAttemptHour("ep_0001", epoch.AddHours(1), 1, 0, null),
                ],
                hours);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public void UseSqlite_InMemory_IsRefusedBecauseItWouldLoseWebhooks()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWebhooks().UseSqlite("Data Source=:memory:"));

        Assert.Contains("in-memory database would lose every pending webhook", error.Message);
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema6_QueuesItsUnexpandedMessages()
    {
        var file = await DatabaseAtVersionAsync(
            6,
            """
            INSERT INTO messages (id, webhook, method, tenant, payload, created_at, expanded) VALUES
                ('msg_0001', 'new-subscription', 'POST', 'alice', x'7b7d', 0, 1),
                ('msg_0002', 'new-subscription', 'POST', 'alice', x'7b7d', 1000, 0);
            """);
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);

            var later = DateTimeOffset.UnixEpoch.AddDays(1);
            Assert.Equal(1, (await store.GetBacklogAsync(later, default)).Pending); // The one not yet expanded waits.
            Assert.Equal(1, await store.ExpandAsync(later, 10, default));
            var leased = await store.LeaseAsync(new("w", later, later.AddMinutes(1), 10), default);
            Assert.Equal(["msg_0002"], leased.Select(d => d.MessageId));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema11_KeepsTheLatestSuccessOfEachHourFromItsAttempts()
    {
        // Hours counted before: ep_0001's from attempts still stored; ep_0002's attempts were purged, so its hour answers its start.
        var file = await DatabaseAtVersionAsync(
            11,
            """
            INSERT INTO endpoints (id, tenant, url, enabled, secrets, created_at, updated_at)
            VALUES ('ep_0002', 'alice', 'http://127.0.0.1:9/other', 1, '[]', 0, 0);
            INSERT INTO messages (id, webhook, method, tenant, payload, created_at)
            VALUES ('msg_0001', 'new-subscription', 'POST', 'alice', x'7b7d', 0);
            INSERT INTO deliveries (id, message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
            VALUES (1, 'msg_0001', 'ep_0001', 2, 3, 0, 0);
            INSERT INTO attempts (delivery_id, started_at, duration_us, status_code, error_kind, error) VALUES
                (1, 1200000, 10, 200, 0, NULL), (1, 600000, 10, 204, 0, NULL), (1, 3660000, 10, 500, 1, 'later');
            INSERT INTO attempt_hours (endpoint_id, hour, succeeded, failed) VALUES
                ('ep_0001', 0, 2, 0), ('ep_0001', 3600000, 0, 1), ('ep_0002', 7200000, 1, 0);
            """);
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);

            var epoch = DateTimeOffset.UnixEpoch;
            Assert.Equal(
                [("ep_0001", epoch.AddMinutes(20)), ("ep_0002", epoch.AddHours(2))],
                (await store.QueryLastSuccessesAsync("alice", null, default)).Select(s => (s.Key, s.Value)).Order());
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Initialize_DatabaseOfSchema13_FeedsItsMessagesOldestFirst_AndNumbersNewOnesAfterThem()
    {
        // Two messages from before ordered delivery (no seq), one from after it.
        var file = await DatabaseAtVersionAsync(
            13,
            """
            INSERT INTO messages (id, webhook, method, tenant, payload, created_at, seq) VALUES
                ('msg_0002', 'new-subscription', 'POST', 'alice', x'7b7d', 1000, NULL),
                ('msg_0001', 'new-subscription', 'POST', 'alice', x'7b7d', 0, NULL),
                ('msg_0003', 'new-subscription', 'POST', 'alice', x'7b7d', 2000, 1);
            """);
        try
        {
            using var store = new SqliteWebhookStore($"Data Source={file}");
            await store.InitializeAsync(default);
            var polling = new WebhookEndpoint
            {
                Id = "ep_0002", Tenant = "alice", Url = null, Secrets = [], CreatedAt = DateTimeOffset.UnixEpoch,
            };
            Assert.True(await store.CreateEndpointAsync(polling, null, default));
            var later = new WebhookNewMessage(
                "msg_0004", "new-subscription", "POST", "alice", "{}"u8.ToArray(), DateTimeOffset.UnixEpoch.AddDays(1));
            await store.AppendAsync([later], default);

            var page = await store.ReadFeedAsync(new WebhookFeedQuery { Endpoint = polling }, default);

            Assert.Equal(["msg_0001", "msg_0002", "msg_0003", "msg_0004"], page.Messages.Select(m => m.Message.Id));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Complete_AnAttemptTheDatabaseRefuses_KeepsTheWriterAndItsWal_AndTheNextWriteGoesOn()
    {
        await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));
        await ExecuteAsync("CREATE TRIGGER refuse BEFORE INSERT ON attempts BEGIN SELECT RAISE(FAIL, 'refused'); END;");

        await Assert.ThrowsAsync<SqliteException>(
            () => Queue.CompleteAsync([Result(leased, "w", WebhookDeliveryStatus.Succeeded, 204)], T0.AddSeconds(1), default));

        // Closing the writer would have made it the file's last connection in WAL mode: its close deletes the WAL, under the
        // pooled readers that read the file before the migrations.
        Assert.True(File.Exists(_file + "-wal"), "the WAL is kept while the store is open");
        Assert.Empty(await Log.ListAttemptsAsync(stored.MessageId, default));
        await ExecuteAsync("DROP TRIGGER refuse;");
        await Queue.CompleteAsync([Result(leased, "w", WebhookDeliveryStatus.Succeeded, 204)], T0.AddSeconds(2), default);
        Assert.Single(await Log.ListAttemptsAsync(stored.MessageId, default));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new database file as an older Hookline left it: the first <paramref name="version"/> migrations, endpoint ep_0001, then <paramref name="rows"/>.</summary>
    private static async Task<string> DatabaseAtVersionAsync(int version, string rows)
    {
        var file = SqliteTestFiles.NewPath();
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE hookline_schema (version INTEGER NOT NULL);
            {string.Join('\n', SqliteSchema.Migrations.Take(version))}
            {string.Join('\n', Enumerable.Range(1, version).Select(v => $"INSERT INTO hookline_schema (version) VALUES ({v});"))}
            INSERT INTO endpoints (id, tenant, url, enabled, secrets, created_at, updated_at)
            VALUES ('ep_0001', 'alice', 'http://127.0.0.1:9/hook', 1, '[]', 0, 0);
            {rows}
            """;
        await command.ExecuteNonQueryAsync();
        return file;
    }
}
