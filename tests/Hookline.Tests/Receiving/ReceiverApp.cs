using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Hookline.Receiving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Receiving;

/// <summary>
/// An app that receives webhooks with Hookline.Receiving, on a real Kestrel server on 127.0.0.1 port 0, with a fake clock:
/// <c>/hooks/new-subscription</c> (MapWebhook), <c>/group/raw</c> (a verified route group), <c>/controller/subscription</c>
/// (a verified controller), <c>/group/gated</c> and <c>/group/flaky</c> (run by the <see cref="Probe"/>) and its OpenAPI document.
/// Every handler call is recorded.
/// </summary>
internal sealed class ReceiverApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReceiverApp(
        WebApplication app, FakeTimeProvider time, ConcurrentQueue<Subscription> received, HandlerProbe probe, CapturingLoggerProvider logs)
    {
        _app = app;
        Time = time;
        Received = received;
        Probe = probe;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The payloads the handlers got, in order.</summary>
    public ConcurrentQueue<Subscription> Received { get; }

    /// <summary>How often <c>/group/gated</c> and <c>/group/flaky</c> ran; the gate the first gated call waits at.</summary>
    public HandlerProbe Probe { get; }

    public CapturingLoggerProvider Logs { get; }

    public string BaseUrl { get; private set; } = "";

    public HttpClient Client { get; } = new();

    public static async Task<ReceiverApp> StartAsync(
        Action<WebhookReceivingOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        DateTimeOffset? now = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var time = new FakeTimeProvider(now ?? DateTimeOffset.UtcNow);
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
        var received = new ConcurrentQueue<Subscription>();
        builder.Services.AddSingleton(received);
        var probe = new HandlerProbe();
        builder.Services.AddSingleton(probe);
        if (configure is null)
        {
            builder.Services.AddWebhookReceiving();
        }
        else
        {
            builder.Services.AddWebhookReceiving(configure);
        }

        builder.Services.AddOpenApi();
        builder.Services.AddControllers().ConfigureApplicationPartManager(parts =>
        {
            parts.ApplicationParts.Clear();
            parts.FeatureProviders.Add(new OnlyController<ReceivingTestController>());
            parts.ApplicationParts.Add(new AssemblyPart(typeof(ReceivingTestController).Assembly));
        });

        var app = builder.Build();
        app.MapWebhook<Subscription>("/hooks/new-subscription", (Subscription subscription, ConcurrentQueue<Subscription> log) =>
        {
            log.Enqueue(subscription);
            return TypedResults.NoContent();
        });
        var group = app.MapGroup("/group").VerifyWebhookSignature();
        group.MapPost("/raw", async (HttpRequest request, ConcurrentQueue<Subscription> log) =>
        {
            var subscription = await request.ReadFromJsonAsync<Subscription>();
            log.Enqueue(subscription!);
            return TypedResults.NoContent();
        });
        group.MapPost("/fails", () => TypedResults.Problem("The handler failed.", statusCode: 500));
        group.MapPost("/throws", IResult () => throw new InvalidOperationException("The handler threw."));
        group.MapPost("/gated", async (HandlerProbe probe) =>
        {
            // Only the first call waits: a second call that gets through shows as a second run, not as a hang.
            if (probe.Called() == 1)
            {
                await probe.Gate.Task;
            }

            return TypedResults.NoContent();
        });
        group.MapPost("/flaky", IResult (HandlerProbe probe, bool? throws) => probe.Called() switch
        {
            1 when throws == true => throw new InvalidOperationException("The handler threw."),
            1 => TypedResults.Problem("The handler failed.", statusCode: 500),
            _ => TypedResults.NoContent(),
        });
        app.MapControllers();
        app.MapOpenApi();
        await app.StartAsync();
        var receiver = new ReceiverApp(app, time, received, probe, logs);
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Client.BaseAddress = new Uri(receiver.BaseUrl);
        return receiver;
    }

    /// <summary>Posts a body signed with <paramref name="signature"/> (or without the headers left null).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string body, string? id, string? timestamp, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var headers = new[] { (WebhookHeaders.Id, id), (WebhookHeaders.Timestamp, timestamp), (WebhookHeaders.Signature, signature) };
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return Client.SendAsync(request);
    }

    /// <summary>Signs <paramref name="body"/> with Hookline.StandardWebhooks at the fake clock's time and posts it.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string id, params string[] secrets) =>
        PostSignedAsync(path, body, id, secrets, []);

    /// <summary>
    /// Signs <paramref name="body"/> with the secrets (<c>v1</c>) and the <c>whsk_</c> signing keys (<c>v1a</c>) at the fake clock's
    /// time and posts it.
    /// </summary>
    public Task<HttpResponseMessage> PostSignedAsync(
        string path, string body, string id, IReadOnlyList<string> secrets, IReadOnlyList<string> signingKeys)
    {
        var timestamp = Time.GetUtcNow().ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(
            [.. secrets.Select(WebhookSecret.Parse)],
            [.. signingKeys.Select(WebhookSigningKey.Parse)],
            id,
            timestamp,
            Encoding.UTF8.GetBytes(body));
        return PostAsync(path, body, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class OnlyController<T> : Microsoft.AspNetCore.Mvc.Controllers.ControllerFeatureProvider
    {
        protected override bool IsController(System.Reflection.TypeInfo typeInfo) => typeInfo.AsType() == typeof(T);
    }
}

/// <summary>Counts the calls of the probe endpoints; the first call of <c>/group/gated</c> waits at <see cref="Gate"/>.</summary>
internal sealed class HandlerProbe
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Counts a call; returns which call it is, from 1.</summary>
    public int Called() => Interlocked.Increment(ref _calls);
}

/// <summary>A controller whose actions are verified by the attribute; model binding reads the body after verification.</summary>
[ApiController]
[Route("controller")]
[VerifyWebhookSignature]
public sealed class ReceivingTestController(ConcurrentQueue<Subscription> log) : ControllerBase
{
    [HttpPost("subscription")]
    public IActionResult Receive(Subscription subscription)
    {
        log.Enqueue(subscription);
        return NoContent();
    }
}
