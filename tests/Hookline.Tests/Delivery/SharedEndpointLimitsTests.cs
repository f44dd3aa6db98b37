namespace Hookline.Tests.Delivery;

/// <summary>
/// Two app instances delivering from one PostgreSQL schema, each with a data source (a connection pool) of its own, as processes
/// have: an endpoint's limits hold for both together, not for each.
/// </summary>
public sealed class SharedEndpointLimitsTests : IAsyncLifetime
{
    private readonly PostgresInstances _instances = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _instances.DisposeAsync().AsTask();

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

    private Task<WebApplication> StartInstanceAsync() =>
        _instances.StartAsync(o =>
        {
            o.Delivery.PollInterval = TimeSpan.FromMilliseconds(50);
            o.Delivery.MaxConcurrencyPerEndpoint = 2;
        });
}
