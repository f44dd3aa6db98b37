using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hookline.Tests.Delivery;

/// <summary>
/// A noisy tenant does not decide another's service: tenant a has 10 endpoints that never answer and keeps publishing to them;
/// tenant b's deliveries to a healthy endpoint still arrive within a second, on one SQLite instance with the default options and
/// on three instances sharing PostgreSQL.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const int DeadEndpoints = 10;
    private const int Published = 20;
    private readonly PostgresInstances _instances = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _instances.DisposeAsync().AsTask();

    [Fact]
    public async Task DeadEndpointsOfOneTenant_OnSqlite_AnotherTenantsDeliveriesArriveWithinASecond()
    {
        // The default options, but for plain http to loopback.
        await using var host = await SqliteTestHost.StartAsync(
            w => w.MapPost<Ping>("ping"),
            o =>
            {
                o.Delivery.AllowedNetworks.Add("127.0.0.0/8");
                o.Delivery.RequireHttps = false;
            });

        await AssertIsolatedAsync([host.Services]);
    }

    [SkippableFact]
    public async Task DeadEndpointsOfOneTenant_OnThreePostgreSqlInstances_AnotherTenantsDeliveriesArriveWithinASecond()
    {
        TestPostgres.SkipUnlessAvailable();
        var instances = new List<IServiceProvider>();
        for (var i = 0; i < 3; i++)
        {
            // 16 slots each, 48 in all: fewer than a's dead endpoints could hold (10 x 8), as one instance has with the defaults.
            instances.Add((await _instances.StartAsync(o => o.Delivery.MaxConcurrency = 16)).Services);
        }

        await AssertIsolatedAsync(instances);
    }

    private static async Task AssertIsolatedAsync(IReadOnlyList<IServiceProvider> instances)
    {
        var arrived = new ConcurrentDictionary<string, long>();
        await using var dead = await TestReceiver.StartAsync(TestReceiver.Hang);
        await using var healthy = await TestReceiver.StartAsync(context =>
        {
            arrived.TryAdd(context.Request.Headers["webhook-id"].ToString(), Stopwatch.GetTimestamp());
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        var endpoints = instances[0].GetRequiredService<IWebhookEndpointManager>();
        for (var i = 0; i < DeadEndpoints; i++)
        {
            await endpoints.CreateAsync(new() { Url = $"{dead.BaseUrl}/dead/{i}" }, tenant: "a");
        }

        await endpoints.CreateAsync(new() { Url = healthy.Url }, tenant: "b");
        IWebhookPublisher Publisher(int i) => instances[i % instances.Count].GetRequiredService<IWebhookPublisher>();

        // a's backlog: 20 messages to each of its 10 endpoints, then more all along (real time: the noise goes on meanwhile).
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Publisher(i).PublishAsync("ping", new Ping(i), tenant: "a")));
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Publisher(i).PublishAsync("ping", new Ping(i), tenant: "a");
                await Task.Delay(100);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));

        var published = new Dictionary<string, long>();
        for (var i = 0; i < Published; i++)
        {
            var result = await Publisher(i).PublishAsync("ping", new Ping(i), tenant: "b");
            published[result.MessageId] = Stopwatch.GetTimestamp();
            await Task.Delay(200);
        }

        await Eventually.HoldsAsync(() => Task.FromResult(arrived.Count >= Published), $"all {Published} of b's deliveries arrive");
        await stop.CancelAsync();
        await noise;
        var latencies = published.Select(p => Stopwatch.GetElapsedTime(p.Value, arrived[p.Key])).Order().ToList();
        var p95 = latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1];
        Assert.True(p95 < TimeSpan.FromSeconds(1), $"b's p95 is {p95.TotalMilliseconds:F0} ms: {string.Join(", ", latencies.Select(l => l.TotalMilliseconds.ToString("F0")))}");
    }
}
