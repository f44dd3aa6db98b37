using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hookline.Tests;

/// <summary>A request a <see cref="TestReceiver"/> got.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>A real Kestrel server on 127.0.0.1, port 0, that records every request and answers as told.</summary>
internal sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private TestReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The URL to register: <c>{BaseUrl}/hook</c>.</summary>
    public string Url => BaseUrl + "/hook";

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Starts a receiver; <paramref name="respond"/> answers each request (default: 204).</summary>
    /// <param name="respond">Answers each request.</param>
    /// <param name="certificate">When set, the receiver takes https with it.</param>
    public static async Task<TestReceiver> StartAsync(Func<HttpContext, Task>? respond = null, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var request = new ReceivedRequest(
                context.Request.Method,
                context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body.ToArray());
            receiver._requests.Enqueue(request);
            context.Items[typeof(ReceivedRequest)] = request; // The body is read: a responder finds it here.
            if (respond is null)
            {
                context.Response.StatusCode = 204;
            }
            else
            {
                await respond(context);
            }
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    /// <summary>The request a responder is answering, as recorded (its body already read).</summary>
    public static ReceivedRequest Received(HttpContext context) => (ReceivedRequest)context.Items[typeof(ReceivedRequest)]!;

    /// <summary>Answers with <paramref name="status"/> and a short text body.</summary>
    public static Func<HttpContext, Task> Status(int status, string body = "") => context =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(body);
    };

    /// <summary>Answers the n-th request with the n-th responder; the last one answers the rest.</summary>
    public static Func<HttpContext, Task> Sequence(params Func<HttpContext, Task>[] responders)
    {
        var count = -1;
        return context => responders[Math.Min(Interlocked.Increment(ref count), responders.Length - 1)](context);
    }

    /// <summary>Answers 500 to every delivery of the first message it is sent (its <c>webhook-id</c>), 204 to every other.</summary>
    public static Func<HttpContext, Task> FailingTheFirstMessage()
    {
        string? first = null;
        return context =>
        {
            var id = context.Request.Headers["webhook-id"].ToString();
            context.Response.StatusCode = (Interlocked.CompareExchange(ref first, id, null) ?? id) == id ? 500 : 204;
            return Task.CompletedTask;
        };
    }

    /// <summary>Never answers (until the client gives up).</summary>
    public static Task Hang(HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted);

    /// <summary>Resets the connection.</summary>
    public static Task Reset(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
