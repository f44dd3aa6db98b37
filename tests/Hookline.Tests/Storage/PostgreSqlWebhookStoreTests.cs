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

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }
}
