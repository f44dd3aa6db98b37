using System.Data.Common;
using Hookline.PostgreSql;
using Hookline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Hookline.Tests.Publishing;

/// <summary>
/// Publishing in the app's own transaction, through a real app with its dispatcher and a loopback receiver, on each store: the
/// app's row and the webhook are stored together or not at all, and a committed webhook is delivered.
/// </summary>
public sealed class TransactionalPublishTests : IAsyncLifetime
{
    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly string _schema = TestPostgres.NewSchema();
    private NpgsqlDataSource? _dataSource;
    private WebApplication? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            await TestPostgres.DropSchemaAsync(_schema);
        }

        SqliteConnection.ClearAllPools();
        SqliteTestFiles.Delete(_file);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Publish_InCommittedTransaction_IsStoredWithTheAppsRowAndDelivered(string store)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var publisher = await StartAsync(store, receiver);

        WebhookPublishResult published;
        await using (var connection = await OpenAppConnectionAsync(store))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertSubscriptionAsync(connection, transaction, "rick");
            published = await publisher.PublishAsync("ping", new Ping(1), transaction: transaction);
            await transaction.CommitAsync();
        }

        await AssertStoredAndDeliveredAsync(store, receiver, published, "rick");
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Publish_InRolledBackTransaction_StoresAndSendsNothing(string store)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var publisher = await StartAsync(store, receiver);

        WebhookPublishResult rolledBack;
        await using (var connection = await OpenAppConnectionAsync(store))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertSubscriptionAsync(connection, transaction, "rick");
            rolledBack = await publisher.PublishAsync("ping", new Ping(1), transaction: transaction);
            await transaction.RollbackAsync();
        }

        await AssertNothingStoredOrSentAsync(store, publisher, receiver, rolledBack);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Publish_InCommittedEfCoreTransaction_IsStoredWithTheEntityAndDelivered(string store)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var webhooks = await StartAsync(store, receiver);

        WebhookPublishResult published;
        await using (var db = NewDbContext(store))
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Add(new AppSubscription { Username = "rick" });
            await db.SaveChangesAsync();
            published = await webhooks.PublishAsync("ping", new Ping(1), transaction: tx.GetDbTransaction());
            await tx.CommitAsync();
        }

        await AssertStoredAndDeliveredAsync(store, receiver, published, "rick");
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Publish_InRolledBackEfCoreTransaction_StoresAndSendsNothing(string store)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var webhooks = await StartAsync(store, receiver);

        WebhookPublishResult rolledBack;
        await using (var db = NewDbContext(store))
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Add(new AppSubscription { Username = "rick" });
            await db.SaveChangesAsync();
            rolledBack = await webhooks.PublishAsync("ping", new Ping(1), transaction: tx.GetDbTransaction());
            await tx.RollbackAsync();
        }

        await AssertNothingStoredOrSentAsync(store, webhooks, receiver, rolledBack);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Publish_InTransactionWithARepeatedIdempotencyKey_ReturnsTheFirstAndSendsOnce(string store)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var publisher = await StartAsync(store, receiver);
        var results = new List<WebhookPublishResult>();

        for (var i = 0; i < 2; i++)
        {
            await using var connection = await OpenAppConnectionAsync(store);
            await using var transaction = await connection.BeginTransactionAsync();
            results.Add(await publisher.PublishAsync("ping", new Ping(i), idempotencyKey: "order-42", transaction: transaction));
            await transaction.CommitAsync();
        }

        Assert.Equal(new WebhookPublishResult(results[0].MessageId, IsRepeat: true), results[1]);
        var after = await publisher.PublishAsync("ping", new Ping(3));
        // Both are sent at once, in either order: wait for both, then nothing else came (the repeat stored nothing to send).
        string[] expected = [results[0].MessageId, after.MessageId];
        await Eventually.HoldsAsync(
            () => Task.FromResult(expected.All(id => receiver.Requests.Any(r => r.Headers["webhook-id"] == id))), "both webhooks arrive");
        Assert.Equal(expected.Order(), receiver.Requests.Select(r => r.Headers["webhook-id"]).Order());
    }

    [Fact]
    public async Task Publish_InSqliteTransactionOnAnotherFile_IsRefusedNamingBothFiles()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var publisher = await StartAsync("sqlite", receiver);
        var other = SqliteTestFiles.NewPath();
        try
        {
            await using var connection = new SqliteConnection($"Data Source={other}");
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync("ping", new Ping(1), transaction: transaction));

            Assert.Contains($"'{Path.GetFullPath(other)}'", error.Message);
            Assert.Contains($"'{Path.GetFullPath(_file)}'", error.Message);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            SqliteTestFiles.Delete(other);
        }
    }

    [SkippableFact]
    public async Task Publish_InPostgreSqlTransactionOnAnotherDatabase_IsRefusedNamingBothDatabases()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var publisher = await StartAsync("postgresql", receiver);
        var storeDatabase = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString).Database;
        var otherDatabase = $"other_{Guid.NewGuid():N}";
        try
        {
            await using var connection = new NpgsqlConnection(await TestPostgres.CreateDatabaseAsync(otherDatabase));
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync("ping", new Ping(1), transaction: transaction));

            Assert.Contains($"'{otherDatabase}'", error.Message);
            Assert.Contains($"'{storeDatabase}'", error.Message);
            await using var stillUsable = new NpgsqlCommand("SELECT 1", connection, transaction);
            Assert.Equal(1, await stillUsable.ExecuteScalarAsync()); // The app's transaction goes on.
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(otherDatabase);
        }
    }

    private async Task<IWebhookPublisher> StartAsync(string store, TestReceiver receiver)
    {
        if (store == "postgresql")
        {
            TestPostgres.SkipUnlessAvailable();
            _dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var webhooks = builder.Services.AddWebhooks(o =>
        {
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
            o.Delivery.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        _ = store == "postgresql"
            ? webhooks.UseStore(_ => new PostgreSqlWebhookStore(_dataSource!, _schema))
            : webhooks.UseSqlite($"Data Source={_file}");
        webhooks.Webhooks.MapPost<Ping>("ping");
        _app = builder.Build();
        await _app.StartAsync();
        await _app.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });

        await using var connection = await OpenAppConnectionAsync(store);
        await using var create = connection.CreateCommand();
        create.CommandText = $"CREATE TABLE {Table(store)} (username text PRIMARY KEY);";
        await create.ExecuteNonQueryAsync();
        return _app.Services.GetRequiredService<IWebhookPublisher>();
    }

    private async Task<DbConnection> OpenAppConnectionAsync(string store)
    {
        if (store == "postgresql")
        {
            return await _dataSource!.OpenConnectionAsync();
        }

        var connection = new SqliteConnection($"Data Source={_file}");
        await connection.OpenAsync();
        return connection;
    }

    private async Task AssertStoredAndDeliveredAsync(string store, TestReceiver receiver, WebhookPublishResult published, string username)
    {
        var request = await Eventually.ReadsAsync(() => Task.FromResult(receiver.Requests), r => r.Count > 0, "the committed webhook arrives");
        Assert.Equal(published.MessageId, Assert.Single(request).Headers["webhook-id"]);
        Assert.Equal([username], await SubscriptionsAsync(store));
    }

    private async Task AssertNothingStoredOrSentAsync(string store, IWebhookPublisher publisher, TestReceiver receiver, WebhookPublishResult rolledBack)
    {
        // A webhook published after it arrives; by then the dispatcher has looked at everything stored before it.
        var after = await publisher.PublishAsync("ping", new Ping(2));
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Any(r => r.Headers["webhook-id"] == after.MessageId)), "the later webhook arrives");
        Assert.Equal([after.MessageId], receiver.Requests.Select(r => r.Headers["webhook-id"]));
        Assert.Null(await _app!.Services.GetRequiredService<IWebhookLogReader>().GetMessageAsync(rolledBack.MessageId, default));
        Assert.Empty(await SubscriptionsAsync(store));
    }

    /// <summary>
    /// The app's own DbContext on the store's database, with a connection EF Core opens itself, over the table <see cref="StartAsync"/>
    /// made (on PostgreSQL found through the search path, as EF Core caches one model per context type).
    /// </summary>
    private AppDbContext NewDbContext(string store)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        _ = store == "postgresql"
            ? options.UseNpgsql($"{TestPostgres.ConnectionString};Search Path={_schema}")
            : options.UseSqlite($"Data Source={_file}");
        return new AppDbContext(options.Options);
    }

    private string Table(string store) => store == "postgresql" ? $"{_schema}.subscriptions" : "subscriptions";

    private async Task InsertSubscriptionAsync(DbConnection connection, DbTransaction transaction, string username)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {Table(connection is NpgsqlConnection ? "postgresql" : "sqlite")} (username) VALUES ('{username}');";
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> SubscriptionsAsync(string store)
    {
        await using var connection = await OpenAppConnectionAsync(store);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT username FROM {Table(store)};";
        await using var reader = await select.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

internal sealed class AppSubscription
{
    public required string Username { get; init; }
}

internal sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AppSubscription>(e =>
        {
            e.ToTable("subscriptions");
            e.HasKey(s => s.Username);
            e.Property(s => s.Username).HasColumnName("username");
        });
}
