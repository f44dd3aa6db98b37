using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

/// <summary>
/// A Kestrel receiver on 127.0.0.1 that answers 204 and notes when each webhook-id arrived; under <see cref="DeadUrl"/> it never
/// answers, as a dead endpoint.
/// </summary>
internal sealed class BenchReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private BenchReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>A URL that never answers: an attempt there lasts until the sender's timeout.</summary>
    public string DeadUrl => Url.Replace("/hook", "/dead", StringComparison.Ordinal);

    public int Count => Volatile.Read(ref _count);

    /// <summary>Arrival time (Stopwatch timestamp) by webhook-id, while <see cref="TrackArrivals"/> is on.</summary>
    public ConcurrentDictionary<string, long> Arrivals { get; } = new();

    public bool TrackArrivals { get; set; }

    public static async Task<BenchReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new BenchReceiver(app);
        app.Run(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/dead"))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            var arrived = Stopwatch.GetTimestamp();
            var buffer = new byte[4096];
            while (await context.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            if (receiver.TrackArrivals && context.Request.Headers["webhook-id"].ToString() is { Length: > 0 } id)
            {
                receiver.Arrivals.TryAdd(id, arrived);
            }

            Interlocked.Increment(ref receiver._count);
            context.Response.StatusCode = 204;
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
        return receiver;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Arrivals.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
