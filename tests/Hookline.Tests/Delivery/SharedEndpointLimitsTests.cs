using Npgsql;

namespace Hookline.Tests.Delivery;

/// <summary>
/// Two app instances delivering from one PostgreSQL schema, each with a data source (a connection pool) of its own, as processes
/// have: an endpoint's limits hold for both together, not for each.
/// </summary>
public sealed class SharedEndpointLimitsTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly List<WebApplication> _apps = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
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

        await TestPostgres.DropSchemaAsync(_schema);
    }

    [SkippableFact]
    public async Task Concurrency_TwoInstances_NeverSendMoreThanTheEndpointsLimitBetweenThem()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Messages = 8;
        var gate = new object();
        var running = 0;
        var mostAtOnce = 0;
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            lock (gate)
            {
                mostAtOnce = Math.Max(mostAtOnce, ++running);
            }

            await Task.Delay(50); // Real time: each request is held so that sends overlap and the bound is reached.
            lock (gate)
            {
                running--;
            }

            context.Response.StatusCode = 204;
        });
        var first = await StartInstanceAsync();
        var second = await StartInstanceAsync();
        await first.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });

        // Published on both, so both wake and lease at once.
        await Task.WhenAll(Enumerable.Range(0, Messages).Select(i =>
            (i % 2 == 0 ? first : second).Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(i))));

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count >= Messages), $"all {Messages} deliveries arrive");
        Assert.Equal(2, mostAtOnce);
        Assert.Equal(Messages, receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }

    private async Task<WebApplication> StartInstanceAsync()
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
            o.Delivery.PollInterval = TimeSpan.FromMilliseconds(50);
            o.Delivery.MaxConcurrencyPerEndpoint = 2;
        });
        webhooks.UsePostgreSql(_ => dataSource, _schema);
        webhooks.Webhooks.MapPost<Ping>("ping");
        var app = builder.Build();
        _apps.Add(app);
        await app.StartAsync();
        return app;
    }
}
