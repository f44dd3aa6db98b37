using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline.Receiving;

/// <summary>
/// What every verified endpoint runs before its handler: read the raw body (buffered, within the limit), verify it with the
/// sender's secrets, check the replay guard, rewind the body for model binding. Refusals are ProblemDetails that name the
/// failed check and never echo the secret or the body.
/// </summary>
internal sealed partial class WebhookRequestVerifier
{
    private readonly IOptionsMonitor<WebhookReceivingOptions> _options;
    private readonly WebhookReplayGuard _replays;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRequestVerifier> _logger;
    private readonly ConcurrentDictionary<string, WebhookVerifier> _verifiers = new(StringComparer.Ordinal);

    public WebhookRequestVerifier(
        IOptionsMonitor<WebhookReceivingOptions> options,
        WebhookReplayGuard replays,
        TimeProvider time,
        ILogger<WebhookRequestVerifier> logger)
    {
        _options = options;
        _replays = replays;
        _time = time;
        _logger = logger;
        // Secrets rotated in configuration take effect without a restart.
        _options.OnChange((changed, name) => _verifiers.TryRemove(name ?? Options.DefaultName, out _));
    }

    /// <summary>
    /// Verifies the request for <paramref name="sender"/> and runs <paramref name="next"/> when it passes; otherwise writes the
    /// refusal and does not. <paramref name="next"/> says whether the request succeeded: an id whose handling failed is forgotten
    /// by the replay guard, so the sender's retry is accepted.
    /// </summary>
    public async Task InvokeAsync(HttpContext context, string? sender, Func<Task<bool>> next)
    {
        sender ??= Options.DefaultName;
        var options = _options.Get(sender);
        var request = context.Request;
        var cancellation = context.RequestAborted;
        var messageId = request.Headers[WebhookHeaders.Id].ToString();

        using var body = await ReadBodyAsync(request, options.MaxBodyBytes, cancellation).ConfigureAwait(false);
        if (body is null)
        {
            LogTooLarge(_logger, request.Path, options.MaxBodyBytes);
            await WriteProblemAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                "Webhook body too large",
                $"The body is over the {options.MaxBodyBytes:N0}-byte limit.",
                null).ConfigureAwait(false);
            return;
        }

        var result = Verifier(sender, options).Verify(
            messageId,
            request.Headers[WebhookHeaders.Timestamp],
            request.Headers[WebhookHeaders.Signature],
            body.GetBuffer().AsSpan(0, (int)body.Length));
        if (result != WebhookVerificationResult.Verified)
        {
            LogRefused(_logger, request.Path, messageId, result);
            await WriteProblemAsync(
                context, StatusCodes.Status401Unauthorized, "Webhook signature verification failed", Describe(result, options), result)
                .ConfigureAwait(false);
            return;
        }

        var recorded = false;
        if (options.RefuseReplays)
        {
            // Verified, so the header is a whole number of seconds.
            var timestamp = long.Parse(request.Headers[WebhookHeaders.Timestamp].ToString(), CultureInfo.InvariantCulture);
            if (!await _replays.TryAcceptAsync(sender, messageId, timestamp, options.Tolerance, cancellation).ConfigureAwait(false))
            {
                LogReplay(_logger, request.Path, messageId);
                await WriteProblemAsync(
                    context,
                    StatusCodes.Status409Conflict,
                    "Webhook already received",
                    "A request with this webhook-id was already accepted within the replay window.",
                    null).ConfigureAwait(false);
                return;
            }

            recorded = true;
        }

        LogVerified(_logger, request.Path, messageId);
        request.Body.Position = 0;
        bool succeeded;
        try
        {
            succeeded = await next().ConfigureAwait(false);
        }
        catch when (recorded)
        {
            await _replays.ForgetAsync(sender, messageId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (recorded && !succeeded)
        {
            await _replays.ForgetAsync(sender, messageId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The verifier of the app, or a clear error when <c>AddWebhookReceiving()</c> was not called.</summary>
    public static WebhookRequestVerifier From(IServiceProvider services) =>
        services.GetService<WebhookRequestVerifier>()
        ?? throw new InvalidOperationException(
            "Verifying webhook signatures needs the receiving services: call builder.Services.AddWebhookReceiving().");

    /// <summary>Whether a status code means the handler took the webhook: 2xx.</summary>
    public static bool IsSuccess(int statusCode) => statusCode is >= 200 and < 300;

    private WebhookVerifier Verifier(string sender, WebhookReceivingOptions options) =>
        _verifiers.GetOrAdd(
            sender,
            static (_, state) => new WebhookVerifier(state.options.Secrets.Select(WebhookSecret.Parse))
            {
                TimeProvider = state.time,
                Tolerance = state.options.Tolerance,
            },
            (options, time: _time));

    /// <summary>The whole body, buffered so that model binding can read it again; null when it is over the limit.</summary>
    private static async Task<MemoryStream?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellation)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        request.EnableBuffering();
        var body = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > limit)
            {
                return null;
            }

            body.Write(chunk, 0, read);
        }

        return body;
    }

    private string Describe(WebhookVerificationResult result, WebhookReceivingOptions options) => result switch
    {
        WebhookVerificationResult.MissingHeader =>
            $"The {WebhookHeaders.Id}, {WebhookHeaders.Timestamp} or {WebhookHeaders.Signature} header is missing or empty.",
        WebhookVerificationResult.InvalidTimestamp =>
            $"The {WebhookHeaders.Timestamp} header is not a number of seconds since the Unix epoch.",
        WebhookVerificationResult.TimestampTooOld =>
            $"The {WebhookHeaders.Timestamp} header is more than {options.Tolerance} in the past (server time {_time.GetUtcNow():O}).",
        WebhookVerificationResult.TimestampInFuture =>
            $"The {WebhookHeaders.Timestamp} header is more than {options.Tolerance} in the future (server time {_time.GetUtcNow():O}).",
        _ => $"No v1 signature in the {WebhookHeaders.Signature} header matches the body with any of the configured secrets.",
    };

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail, WebhookVerificationResult? result)
    {
        var extensions = result is { } failed
            ? new Dictionary<string, object?> { ["failedCheck"] = failed.ToString() }
            : null;
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions).ExecuteAsync(context);
    }
}
