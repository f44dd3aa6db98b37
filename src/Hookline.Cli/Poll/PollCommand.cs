using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hookline.Cli.Shared;

namespace Hookline.Cli.Poll;

/// <summary>
/// <c>hookline poll --url &lt;management API&gt; --endpoint &lt;ep_...&gt; --secret &lt;whsec_...&gt; [--cursor-file ...]</c>:
/// follows a polling endpoint's feed, for a receiver that cannot be reached at a URL. Verifies each message as <c>listen</c>
/// verifies a delivery and prints it the same way; saves the cursor after each message, so a restart goes on where it stopped
/// (a message may come twice, never be skipped). A message that does not verify stops it, the cursor left before that message.
/// </summary>
internal static class PollCommand
{
    public const string TokenVariable = "HOOKLINE_TOKEN";
    private static readonly TimeSpan s_longestRetry = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "The management API's base URL, where the app maps it: e.g. https://api.example.com/webhooks.",
            Required = true,
        };
        var endpoint = new Option<string>("--endpoint") { Description = "The polling endpoint's id, ep_...", Required = true };
        var secret = CliKeys.SecretOption("The endpoint's whsec_ secret, v1 (repeat it to accept several, as during a rotation).");
        var publicKey = CliKeys.PublicKeyOption(
            "A whpk_ public key its messages may be signed for, v1a (repeat it to accept several; with --secret, either verifies).");
        var token = new Option<string?>("--token")
        {
            Description = $"A bearer token for the management API. Default: the {TokenVariable} environment variable.",
        };
        var headers = new Option<string[]>("--header")
        {
            Description = "A header for the management API, \"Name: value\", for an API that signs callers in otherwise (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var after = new Option<string?>("--after") { Description = "Read after this cursor (a nextCursor or an item's cursor)." };
        var cursorFile = new Option<FileInfo?>("--cursor-file")
        {
            Description = "Read the cursor from this file at start (unless --after), and save it there after each page.",
        };
        var wait = new Option<int>("--wait")
        {
            Description = "How many seconds each read waits for messages when there are none (the API allows up to 30 by default).",
            DefaultValueFactory = _ => 30,
        };
        var once = new Option<bool>("--once") { Description = "Stop once the feed is read to its end, instead of following it." };
        var command = new Command("poll", "Follow a polling endpoint's feed: verify each message and print it, saving the cursor.")
        {
            url, endpoint, secret, publicKey, token, headers, after, cursorFile, wait, once,
        };
        command.SetAction((result, cancellationToken) => new Poller(
                Target(result.GetValue(url)!, result.GetValue(endpoint)!),
                result.GetValue(endpoint)!,
                CliKeys.ForListen(result.GetValue(secret) ?? [], result.GetValue(publicKey) ?? []),
                Headers(result.GetValue(token), result.GetValue(headers) ?? []),
                result.GetValue(cursorFile),
                Wait(result.GetValue(wait)),
                result.GetValue(once))
            .RunAsync(result.GetValue(after), cancellationToken));
        return command;
    }

    private static int Wait(int seconds) =>
        seconds >= 0 ? seconds : throw new CliException($"--wait {seconds} is not 0 or more seconds.");

    /// <summary>The feed's URL: <c>{url}/endpoints/{endpoint}/feed</c>.</summary>
    private static Uri Target(string url, string endpoint) =>
        Uri.TryCreate($"{url.TrimEnd('/')}/endpoints/{Uri.EscapeDataString(endpoint)}/feed", UriKind.Absolute, out var target)
        && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps)
            ? target
            : throw new CliException($"--url {url} is not an http or https URL.");

    private static List<(string Name, string Value)> Headers(string? token, IReadOnlyList<string> headers)
    {
        var all = new List<(string, string)>();
        if ((token ?? Environment.GetEnvironmentVariable(TokenVariable)) is { Length: > 0 } bearer)
        {
            all.Add(("Authorization", $"Bearer {bearer.Trim()}"));
        }

        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new CliException($"--header '{header}' is not \"Name: value\".");
            }

            all.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
        }

        return all;
    }

    private sealed class Poller(
        Uri feed,
        string endpoint,
        (WebhookSecret[] Secrets, WebhookPublicKey[] PublicKeys) keys,
        List<(string Name, string Value)> headers,
        FileInfo? cursorFile,
        int wait,
        bool once)
    {
        private readonly WebhookVerifier _verifier = new(keys.Secrets, keys.PublicKeys);

        public async Task<int> RunAsync(string? after, CancellationToken cancellationToken)
        {
            var cursor = after ?? await ReadCursorAsync(cancellationToken).ConfigureAwait(false);
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
            {
                Timeout = TimeSpan.FromSeconds(wait + 30),
            };
            var version = typeof(PollCommand).Assembly.GetName().Version?.ToString(3);
            var retry = TimeSpan.FromSeconds(1);
            var followed = once;
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Read(cursor, once ? 0 : wait));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("hookline-cli", version));
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is HttpRequestException
                                              || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    var why = error is HttpRequestException ? error.Message : $"no answer within {http.Timeout.TotalSeconds:0} seconds";
                    retry = await RetryAsync($"{feed} could not be read: {why}", retry, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                using (response)
                {
                    var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        // Too many reads of the tenant wait already: wait as long as the API asks.
                        var pause = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                        await Console.Error.WriteLineAsync(
                            $"hookline: {Problem(response, text)}; reading again in {pause.TotalSeconds:0} s.").ConfigureAwait(false);
                        await Task.Delay(pause, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if ((int)response.StatusCode >= 500)
                    {
                        retry = await RetryAsync(Problem(response, text), retry, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        throw new CliException(Problem(response, text));
                    }

                    retry = TimeSpan.FromSeconds(1);
                    if (!followed)
                    {
                        followed = true;
                        await Console.Error.WriteLineAsync($"Following {feed}. Press Ctrl+C to stop.").ConfigureAwait(false);
                    }

                    var (next, more) = await HandleAsync(text, cancellationToken).ConfigureAwait(false);
                    cursor = next;
                    await SaveCursorAsync(cursor, cancellationToken).ConfigureAwait(false);
                    if (once && !more)
                    {
                        return 0;
                    }
                }
            }
        }

        /// <summary>Verifies and prints a page's messages; the page's next cursor, and whether more can be read at once.</summary>
        private async Task<(string Cursor, bool More)> HandleAsync(string page, CancellationToken cancellationToken)
        {
            string nextCursor;
            bool more;
            List<(string Id, string Event, string Timestamp, string Signature, string Body, string Cursor)> items;
            try
            {
                using var json = JsonDocument.Parse(page);
                var root = json.RootElement;
                nextCursor = root.GetProperty("nextCursor").GetString()!;
                more = root.GetProperty("more").GetBoolean();
                items = [.. root.GetProperty("data").EnumerateArray().Select(item =>
                {
                    var headers = item.GetProperty("headers");
                    return (
                        headers.GetProperty(WebhookHeaders.Id).GetString()!,
                        item.GetProperty("eventType").GetString()!,
                        headers.GetProperty(WebhookHeaders.Timestamp).GetString()!,
                        headers.GetProperty(WebhookHeaders.Signature).GetString()!,
                        item.GetProperty("body").GetString()!,
                        item.GetProperty("cursor").GetString()!);
                })];
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CliException($"{feed} answered what is not a feed page: {error.Message}");
            }

            foreach (var item in items)
            {
                var verdict = _verifier.Verify(item.Id, item.Timestamp, item.Signature, Encoding.UTF8.GetBytes(item.Body));
                DeliveryPrinter.Print(
                    $"endpoint={endpoint}", item.Event, item.Id, item.Timestamp, verdict, item.Body, "not handled; stopped before it");
                if (verdict != WebhookVerificationResult.Verified)
                {
                    throw new CliException(
                        $"message {item.Id} of {endpoint}'s feed does not verify ({verdict}): check --secret (and --public-key). "
                        + (cursorFile is null ? "" : $"{cursorFile.FullName} holds the cursor before it."));
                }

                // Handled: a restart goes on after it.
                await SaveCursorAsync(item.Cursor, cancellationToken).ConfigureAwait(false);
            }

            return (nextCursor, more);
        }

        private Uri Read(string? cursor, int seconds)
        {
            var query = new StringBuilder("?wait=").Append(seconds.ToString(CultureInfo.InvariantCulture));
            if (cursor is not null)
            {
                query.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
            }

            return new Uri(feed + query.ToString());
        }

        /// <summary>Says why a read failed and waits before the next: twice as long each time, at most 30 s; with --once, fails.</summary>
        private async Task<TimeSpan> RetryAsync(string why, TimeSpan retry, CancellationToken cancellationToken)
        {
            if (once)
            {
                throw new CliException(why);
            }

            await Console.Error.WriteLineAsync($"hookline: {why}; reading again in {retry.TotalSeconds:0} s.").ConfigureAwait(false);
            await Task.Delay(retry, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return retry * 2 < s_longestRetry ? retry * 2 : s_longestRetry;
        }

        private string Problem(HttpResponseMessage response, string text)
        {
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    return $"GET {feed}: {status}: {detail.GetString()}";
                }
            }
            catch (JsonException)
            {
                // Not a problem document: the status says it.
            }

            return $"GET {feed}: {status}";
        }

        private async Task<string?> ReadCursorAsync(CancellationToken cancellationToken)
        {
            if (cursorFile is null || !cursorFile.Exists)
            {
                return null;
            }

            try
            {
                var text = (await File.ReadAllTextAsync(cursorFile.FullName, cancellationToken).ConfigureAwait(false)).Trim();
                return text.Length == 0 ? null : text;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--cursor-file {cursorFile.FullName} could not be read: {error.Message}");
            }
        }

        /// <summary>Saves the cursor whole or not at all: written beside the file, then moved over it.</summary>
        private async Task SaveCursorAsync(string cursor, CancellationToken cancellationToken)
        {
            if (cursorFile is null)
            {
                return;
            }

            var temporary = cursorFile.FullName + ".tmp";
            try
            {
                await File.WriteAllTextAsync(temporary, cursor + "\n", cancellationToken).ConfigureAwait(false);
                File.Move(temporary, cursorFile.FullName, overwrite: true);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--cursor-file {cursorFile.FullName} could not be written: {error.Message}");
            }
        }
    }
}
