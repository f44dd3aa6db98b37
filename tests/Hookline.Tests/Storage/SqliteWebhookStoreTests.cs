using Hookline.Sqlite;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Tests.Storage;

/// <summary>The conformance suite on a fresh SQLite file per test.</summary>
public sealed class SqliteWebhookStoreTests : WebhookStoreConformanceTests
{
    private readonly string _file = SqliteTestFiles.NewPath();

    protected override Task<IWebhookStore> CreateStoreAsync() =>
        Task.FromResult<IWebhookStore>(new SqliteWebhookStore($"Data Source={_file}"));

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
    public void UseSqlite_InMemory_IsRefusedBecauseItWouldLoseWebhooks()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWebhooks().UseSqlite("Data Source=:memory:"));

        Assert.Contains("in-memory database would lose every pending webhook", error.Message);
    }
}
