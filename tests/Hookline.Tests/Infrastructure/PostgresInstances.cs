using Hookline.PostgreSql;
using Npgsql;

namespace Hookline.Tests;

/// <summary>
/// App instances on one PostgreSQL schema of a test's own, each with a data source (a connection pool) of its own, as processes
/// have; each declares the webhook <c>ping</c> and may deliver to loopback. Disposing stops them and drops the schema.
/// </summary>
internal sealed class PostgresInstances : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private int _dataSourceCalls;

    public string Schema { get; } = TestPostgres.NewSchema();

    /// <summary>The data source of each instance started, in order.</summary>
    public IReadOnlyList<NpgsqlDataSource> DataSources => _dataSources;

    /// <summary>How many times the instances' <c>UsePostgreSql</c> functions were called for their data sources.</summary>
    public int DataSourceCalls => Volatile.Read(ref _dataSourceCalls);

    public async Task<WebApplication> StartAsync(Action<WebhookOptions> configure)
    {
        var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        _dataSources.Add(dataSource);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var webhooks = builder.Services.AddWebhooks(o =>
        {
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
            configure(o);
        });
        webhooks.UsePostgreSql(
            _ =>
            {
                Interlocked.Increment(ref _dataSourceCalls);
                return dataSource;
            },
            Schema);
        // Production, with keys that protect nothing a test keeps: unencrypted, said so.
        builder.Services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true);
        webhooks.Webhooks.MapPost<Ping>("ping");
        var app = builder.Build();
        _apps.Add(app);
        await app.StartAsync();
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(Schema);
    }
}
