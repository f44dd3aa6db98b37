using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hookline.Cli.Tests;

/// <summary>
/// A receiver app made of generated code: Hookline.Receiving with one secret and the replay guard (on by default), the generated
/// <c>Map...Webhooks("/hooks")</c>, and a <see cref="RecordingReceiver"/> as the registered implementation, on real Kestrel on 127.0.0.1 port 0.
/// </summary>
internal sealed class GeneratedReceiverApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GeneratedReceiverApp(WebApplication app, RecordingReceiver receiver, string baseUrl)
    {
        _app = app;
        Receiver = receiver;
        BaseUrl = baseUrl;
    }

    public RecordingReceiver Receiver { get; }

    public string BaseUrl { get; }

    public HttpClient Client { get; } = new();

    public static async Task<GeneratedReceiverApp> StartAsync(
        Assembly generated, string @namespace, string name, string secret, bool lenient = false)
    {
        var receiverInterface = generated.GetType($"{@namespace}.I{name}Webhooks", throwOnError: true)!;
        var extensions = generated.GetType($"{@namespace}.{name}WebhooksEndpointRouteBuilderExtensions", throwOnError: true)!;
        var receiver = RecordingReceiver.Create(receiverInterface);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddWebhookReceiving(o => o.Secrets.Add(secret));
        builder.Services.AddSingleton(receiverInterface, receiver);
        var app = builder.Build();
        extensions.GetMethod($"Map{name}Webhooks")!.Invoke(null, [app, "/hooks", null, lenient]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new(app, receiver, address);
    }

    /// <summary>POSTs a body to <c>/hooks/{webhook}</c>, signed with <paramref name="secret"/> at <paramref name="timestamp"/>.</summary>
    public async Task<HttpStatusCode> DeliverAsync(string webhook, string json, string secret, string id, DateTimeOffset timestamp) =>
        (await AnswerAsync(webhook, json, secret, id, timestamp)).Status;

    /// <summary>As <see cref="DeliverAsync"/>, with the answer's body, and the body's media type.</summary>
    public async Task<(HttpStatusCode Status, string Body)> AnswerAsync(
        string webhook,
        string json,
        string secret,
        string id,
        DateTimeOffset timestamp,
        string mediaType = "application/json",
        string method = "POST")
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{BaseUrl}/hooks/{webhook}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(mediaType);
        var seconds = timestamp.ToUnixTimeSeconds();
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.Sign(WebhookSecret.Parse(secret), id, seconds, body));
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
