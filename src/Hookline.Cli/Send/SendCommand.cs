using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hookline.Cli.Shared;
using Spectre.Console;

namespace Hookline.Cli.Send;

/// <summary>
/// <c>hookline send &lt;url&gt; --secret &lt;whsec_...&gt; | --signing-key &lt;whsk_...&gt; [--event &lt;name&gt;]
/// --data &lt;json or @file&gt;</c>: signs one delivery as a Standard Webhooks sender does (<c>v1</c> with each secret, <c>v1a</c> with each signing key, in one
/// header) and POSTs it, to test a receiver. Exits 0 when the receiver answers 2xx; redirects are not followed.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "The receiver's URL; with --event, its webhooks' prefix." };
        var secret = CliKeys.SecretOption("A whsec_ secret that signs, v1 (repeat it to sign with several, as during a rotation).");
        var signingKey = CliKeys.SigningKeyOption(
            "A whsk_ signing key that signs, v1a (repeat it for several; with --secret, the header carries both kinds).");
        var eventName = new Option<string?>("--event")
        {
            Description = "The webhook's name, appended to the URL as its last path segment: POST {url}/{event}, "
                + "as generated receivers map them.",
        };
        var data = new Option<string>("--data") { Description = "The JSON body, or @file to read it from a file.", Required = true };
        var id = new Option<string?>("--id") { Description = "The webhook-id. Default: a new msg_ id." };
        var command = new Command("send", "Sign one webhook delivery (Standard Webhooks) and POST it, to test a receiver.")
        {
            url, secret, signingKey, eventName, data, id,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var keys = CliKeys.ForSend(result.GetValue(secret) ?? [], result.GetValue(signingKey) ?? []);
            return SendAsync(
                result.GetValue(url)!, keys, result.GetValue(eventName), result.GetValue(data)!, result.GetValue(id), cancellationToken);
        });
        return command;
    }

    private static async Task<int> SendAsync(
        string url,
        (WebhookSecret[] Secrets, WebhookSigningKey[] SigningKeys) keys,
        string? eventName,
        string data,
        string? id,
        CancellationToken cancellationToken)
    {
        var target = Target(url, eventName);
        var body = await BodyAsync(data, cancellationToken).ConfigureAwait(false);
        var messageId = id ?? $"msg_{Guid.NewGuid():N}";
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookHeaders.Id, messageId);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.Sign(keys.Secrets, keys.SigningKeys, messageId, timestamp, body));
        var version = typeof(SendCommand).Assembly.GetName().Version?.ToString(3);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("hookline-cli", version));

        // Redirects are not followed, as Hookline's sender does not follow them: the signed request goes to the URL given, and
        // a 3xx is the receiver's answer.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw new CliException($"{target} could not be reached: {error.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{target} did not answer within {http.Timeout.TotalSeconds:0} seconds.");
        }

        using (response)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var success = response.IsSuccessStatusCode;
            AnsiConsole.MarkupLineInterpolated($"POST {target.AbsoluteUri} [grey]webhook-id[/] {messageId}");
            var status = $"{(int)response.StatusCode} {TerminalText.Escape(response.ReasonPhrase ?? "")}";
            AnsiConsole.MarkupLineInterpolated($"[{(success ? "green" : "red")}]{status}[/]");
            if (response.Headers.NonValidated.TryGetValues("Location", out var location))
            {
                Console.WriteLine($"Location: {TerminalText.Escape(location.ToString())}");
            }

            if (answer.Length > 0)
            {
                Console.WriteLine(TerminalText.Escape(Json.Pretty(answer), keepLineFeeds: true));
            }

            return success ? 0 : 1;
        }
    }

    private static Uri Target(string url, string? eventName)
    {
        var full = eventName is null ? url : $"{url.TrimEnd('/')}/{Uri.EscapeDataString(eventName)}";
        return Uri.TryCreate(full, UriKind.Absolute, out var target)
            && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps)
            ? target
            : throw new CliException($"{url} is not an http or https URL.");
    }

    private static async Task<byte[]> BodyAsync(string data, CancellationToken cancellationToken)
    {
        string text;
        if (data.StartsWith('@'))
        {
            try
            {
                text = await File.ReadAllTextAsync(data[1..], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new CliException($"--data {data}: the file could not be read: {error.Message}");
            }
        }
        else
        {
            text = data;
        }

        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException error)
        {
            throw new CliException($"--data is not valid JSON: {error.Message}");
        }

        // The exact text is what is signed and sent: receivers verify these bytes.
        return Encoding.UTF8.GetBytes(text);
    }
}
