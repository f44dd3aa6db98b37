using Hookline;
using Hookline.PostgreSql;
using Hookline.Storage;

/// <summary>An app with Hookline on a store of the caller's choice, delivering (or not) with the benchmark's concurrency.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app) => _app = app;

    public IWebhookPublisher Publisher => _app.Services.GetRequiredService<IWebhookPublisher>();

    public IWebhookEndpointManager Endpoints => _app.Services.GetRequiredService<IWebhookEndpointManager>();

    public IWebhookMessageAppender Messages => _app.Services.GetRequiredService<IWebhookMessageAppender>();

    public IWebhookDeliveryQueue Queue => _app.Services.GetRequiredService<IWebhookDeliveryQueue>();

    /// <summary>An app on the SQLite file <paramref name="file"/>; its endpoints' concurrency limit is <paramref name="perEndpoint"/>, by default <paramref name="concurrency"/>.</summary>
    public static Task<BenchHost> SqliteAsync(string file, bool deliver, int concurrency, int? perEndpoint = null) =>
        StartAsync(webhooks => webhooks.UseSqlite($"Data Source={file}"), deliver, concurrency, perEndpoint);

    public static Task<BenchHost> PostgreSqlAsync(string connectionString, bool deliver, int concurrency) =>
        StartAsync(
            webhooks =>
            {
                // The database is dropped after the measurement, its keys with it: nothing for them to protect.
                webhooks.Services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true);
                return webhooks.UsePostgreSql(connectionString);
            },
            deliver,
            concurrency);

    private static async Task<BenchHost> StartAsync(
        Func<IWebhooksBuilder, IWebhooksBuilder> useStore, bool deliver, int concurrency, int? perEndpoint = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenApi(); // The payload schemas endpoint filters are checked against.
        useStore(builder.Services.AddWebhooks(o =>
        {
            o.Delivery.Enabled = deliver;
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
            o.Delivery.MaxConcurrency = concurrency;
            // One receiver stands in for many: the ceiling uses the same concurrency.
            o.Delivery.MaxConcurrencyPerEndpoint = perEndpoint ?? concurrency;
            // The fan-out row registers thousands of endpoints for one tenant, far past the default cap.
            o.MaxEndpointsPerTenant = null;
        }))
        .Webhooks.MapPost<BenchEvent>("bench.event");
        var app = builder.Build();
        await app.StartAsync();
        return new BenchHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The payload: about 1 KB of JSON.</summary>
internal sealed record BenchEvent(int Sequence, string Data)
{
    public static readonly string Filler = new('x', 990);

    public static BenchEvent Create(int sequence) => new(sequence, Filler);
}
