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
            Assert.Equal(["ep_0001"], (await store.QueryEndpointsAsync(new EndpointQuery { Tenant = "alice" }, default)).Select(e => e.Id));
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
    public void UseSqlite_InMemory_IsRefusedBecauseItWouldLoseWebhooks()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWebhooks().UseSqlite("Data Source=:memory:"));

        Assert.Contains("in-memory database would lose every pending webhook", error.Message);
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
