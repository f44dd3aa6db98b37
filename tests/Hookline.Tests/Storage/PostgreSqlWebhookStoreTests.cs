using System.Data.Common;
using Hookline.PostgreSql;
using Hookline.Storage;
using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>The conformance suite on a real PostgreSQL server, in a schema of its own per test.</summary>
public sealed class PostgreSqlWebhookStoreTests : WebhookStoreConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchema();
    private NpgsqlDataSource? _dataSource;

    protected override Task<IWebhookStore> CreateStoreAsync()
    {
        TestPostgres.SkipUnlessAvailable();
        _dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        return Task.FromResult<IWebhookStore>(new PostgreSqlWebhookStore(_dataSource, _schema));
    }

    protected override async Task<DbConnection> OpenAppConnectionAsync() => await _dataSource!.OpenConnectionAsync();

    [SkippableFact]
    public async Task AppendInTransaction_TheAppHoldsThePoolsLastConnection_TakesNoOther()
    {
        // As when every connection of an instance's pool is held by a request publishing in its transaction: a publish that took
        // one more would wait for the connections that its caller and the others hold, until the pool times out.
        var onlyOne = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { MaxPoolSize = 1, Timeout = 3 };
        await using var dataSource = NpgsqlDataSource.Create(onlyOne.ConnectionString);
        var store = new PostgreSqlWebhookStore(dataSource, _schema);
        await store.InitializeAsync(default);
        var message = new NewMessage("msg_pool", "new-subscription", "POST", "alice", "{}"u8.ToArray(), T0);

        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Equal(new StoredMessage(message.Id, false), await store.AppendAsync(message, transaction, default));
            await transaction.CommitAsync();
        }

        Assert.NotNull(await store.GetMessageAsync(message.Id, default));
    }

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }
}
