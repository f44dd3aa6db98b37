using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using Hookline.Cli.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hookline.Cli.Listen;

/// <summary>
/// <c>hookline listen --port &lt;p&gt; --secret &lt;whsec_...&gt; | --public-key &lt;whpk_...&gt; [--path /]</c>: a receiver on
/// 127.0.0.1 that verifies each POST under the path with Hookline.StandardWebhooks (<c>v1</c> with the secrets, <c>v1a</c> with
/// the public keys) and prints it; answers 204 when verified, 401 when not.
/// </summary>
internal static class ListenCommand
{
    private const int MaxBodyBytes = 1024 * 1024;

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The port on 127.0.0.1 (0: any free one).", Required = true };
        var secret = CliKeys.SecretOption("A whsec_ secret deliveries may be signed with, v1 (repeat it to accept several).");
        var publicKey = CliKeys.PublicKeyOption(
            "A whpk_ public key deliveries may be signed for, v1a (repeat it to accept several; with --secret, either verifies).");
        var path = new Option<string>("--path") { Description = "Receive POSTs under this path.", DefaultValueFactory = _ => "/" };
        var command = new Command("listen", "Receive webhooks on this machine: verify each delivery and print it.")
        {
            port, secret, publicKey, path,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var (secrets, publicKeys) = CliKeys.ForListen(result.GetValue(secret) ?? [], result.GetValue(publicKey) ?? []);
            return ListenAsync(result.GetValue(port), new WebhookVerifier(secrets, publicKeys), result.GetValue(path)!, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ListenAsync(int port, WebhookVerifier verifier, string path, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new CliException($"--port {port} is not a port: 0 to 65535.");
        }

        var prefix = "/" + path.Trim('/');
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, port);
            o.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        var app = builder.Build();
        try
        {
            app.MapPost(prefix == "/" ? "/{**event}" : prefix + "/{**event}", context => ReceiveAsync(context, verifier));
            app.MapPost(prefix, context => ReceiveAsync(context, verifier));
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException error)
            {
                throw new CliException($"127.0.0.1:{port} cannot be listened on: {error.Message}");
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine($"Listening on {address}{(prefix == "/" ? "/" : prefix)} (POST, Standard Webhooks). Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReceiveAsync(HttpContext context, WebhookVerifier verifier)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        string? Header(string name) => request.Headers[name].FirstOrDefault();
        var id = Header(WebhookHeaders.Id);
        var timestamp = Header(WebhookHeaders.Timestamp);
        var verdict = verifier.Verify(id, timestamp, Header(WebhookHeaders.Signature), body);
        var text = Encoding.UTF8.GetString(body);
        DeliveryPrinter.Print($"path={request.Path}", EventOf(context, text), id, timestamp, verdict, text, "answered 401");
        var answer = verdict == WebhookVerificationResult.Verified
            ? Results.NoContent()
            : Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The webhook signature is not valid.",
                detail: $"Failed check: {verdict}.");
        await answer.ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>
    /// The event: the payload's <c>type</c> (the member Standard Webhooks' payload structure names the event with), else the path
    /// under the prefix (as generated receivers map webhooks), said to be so, as a path may name anything.
    /// </summary>
    private static string EventOf(HttpContext context, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
            {
                return type.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the path may still say.
        }

        return context.Request.RouteValues["event"] is string { Length: > 0 } fromPath ? $"{fromPath} (from the path)" : "-";
    }
}
