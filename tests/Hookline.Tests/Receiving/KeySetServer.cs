using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hookline.Tests.Receiving;

/// <summary>
/// A sender's key set URL: a real Kestrel server on 127.0.0.1 port 0 that answers <c>GET /keys</c> with what it is told (a JSON
/// Web Key Set, anything else, or an error status), and counts the fetches.
/// </summary>
internal sealed class KeySetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _fetches;
    private volatile Reply _reply = new(StatusCodes.Status200OK, """{"keys":[]}""");

    private KeySetServer(WebApplication app) => _app = app;

    /// <summary>The key set's URL.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>How many times the set was fetched.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<KeySetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new KeySetServer(app);
        app.MapGet("/keys", (HttpContext context) =>
        {
            Interlocked.Increment(ref server._fetches);
            var reply = server._reply;
            return Results.Text(reply.Body, "application/json", statusCode: reply.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address + "/keys");
        return server;
    }

    /// <summary>From now on, answers with a key set of these signing keys' public keys.</summary>
    public void Publish(params string[] signingKeys) =>
        _reply = new(
            StatusCodes.Status200OK, WebhookJsonWebKeySet.Format(signingKeys.Select(k => WebhookSigningKey.Parse(k).PublicKey)));

    /// <summary>From now on, answers with this status and body.</summary>
    public void Answer(int status, string body) => _reply = new(status, body);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Reply(int Status, string Body);
}
