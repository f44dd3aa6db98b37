using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline.Receiving;

/// <summary>
/// What every verified endpoint runs before its handler: read the raw body (buffered, within the limit), verify it with the
/// sender's secrets and public keys (those configured, and those of its key set URL), claim the id in the replay guard, rewind
/// the body for model binding. Refusals are ProblemDetails that name the failed check and never echo the secret or the body.
/// </summary>
internal sealed partial class WebhookRequestVerifier
{
    private readonly IOptionsMonitor<WebhookReceivingOptions> _options;
    private readonly WebhookReplayGuard _replays;
    private readonly WebhookPublicKeySets _keySets;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRequestVerifier> _logger;
    private readonly ConcurrentDictionary<string, CachedVerifier> _verifiers = new(StringComparer.Ordinal);

    public WebhookRequestVerifier(
        IOptionsMonitor<WebhookReceivingOptions> options,
        WebhookReplayGuard replays,
        WebhookPublicKeySets keySets,
        TimeProvider time,
        ILogger<WebhookRequestVerifier> logger)
    {
        _options = options;
        _replays = replays;
        _keySets = keySets;
        _time = time;
        _logger = logger;
        // Secrets rotated in configuration take effect without a restart.
        _options.OnChange((changed, name) => _verifiers.TryRemove(name ?? Options.DefaultName, out _));
    }

    /// <summary>
    /// Verifies the request for <paramref name="sender"/> and runs <paramref name="next"/> when it passes and the replay guard
    /// lets it; otherwise answers and does not. <paramref name="next"/> says whether the request succeeded: the guard marks the
    /// id handled, or forgets it when handling failed, so that the sender's retry runs <paramref name="next"/> again.
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

        if (await VerifyAsync(context, sender, options, messageId, body).ConfigureAwait(false) is not { } result)
        {
            LogNoKeys(_logger, request.Path, messageId);
            await WriteProblemAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "Webhook verification keys unavailable",
                "The public keys this webhook is verified with could not be fetched; retry later.",
                null).ConfigureAwait(false);
            return;
        }

        if (result != WebhookVerificationResult.Verified)
        {
            LogRefused(_logger, request.Path, messageId, result);
            await WriteProblemAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "Webhook signature verification failed",
                Describe(result, options),
                result).ConfigureAwait(false);
            return;
        }

        var guarded = options.EnableReplayGuard;
        // Verified, so the header is a whole number of seconds.
        var timestamp = long.Parse(request.Headers[WebhookHeaders.Timestamp].ToString(), CultureInfo.InvariantCulture);
        if (guarded && !await ClaimAsync(context, sender, messageId, timestamp, options.Tolerance).ConfigureAwait(false))
        {
            return;
        }

        LogVerified(_logger, request.Path, messageId);
        request.Body.Position = 0;
        bool succeeded;
        try
        {
            succeeded = await next().ConfigureAwait(false);
        }
        catch when (guarded)
        {
            await _replays.ReleaseAsync(sender, messageId).ConfigureAwait(false);
            throw;
        }

        if (guarded)
        {
            await (succeeded
                ? _replays.CompleteAsync(sender, messageId, timestamp, options.Tolerance)
                : _replays.ReleaseAsync(sender, messageId)).ConfigureAwait(false);
        }
    }

    /// <summary>The verifier of the app, or a clear error when <c>AddWebhookReceiving()</c> was not called.</summary>
    public static WebhookRequestVerifier From(IServiceProvider services) =>
        services.GetService<WebhookRequestVerifier>()
        ?? throw new InvalidOperationException(
            "Verifying webhook signatures needs the receiving services: call builder.Services.AddWebhookReceiving().");

    /// <summary>Whether a status code means the handler took the webhook: 2xx.</summary>
    public static bool IsSuccess(int statusCode) => statusCode is >= 200 and < 300;

    /// <summary>
    /// Claims the id for this request; otherwise answers the copy and returns false. A copy already handled gets 204, so that the
    /// sender (who missed our answer, or resent) stops retrying; a copy whose twin is still running gets 409, not a 2xx, so that
    /// the sender retries it if the running one fails.
    /// </summary>
    private async Task<bool> ClaimAsync(HttpContext context, string sender, string messageId, long timestamp, TimeSpan tolerance)
    {
        var claim = await _replays.ClaimAsync(sender, messageId, timestamp, tolerance, context.RequestAborted).ConfigureAwait(false);
        switch (claim)
        {
            case WebhookReplayClaim.Handled:
                LogAcknowledged(_logger, context.Request.Path, messageId);
                await TypedResults.NoContent().ExecuteAsync(context).ConfigureAwait(false);
                return false;
            case WebhookReplayClaim.Running:
                LogRunning(_logger, context.Request.Path, messageId);
                await WriteProblemAsync(
                    context,
                    StatusCodes.Status409Conflict,
                    "Webhook being handled",
                    "A request with this webhook-id is being handled; retry later.",
                    null).ConfigureAwait(false);
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// Verifies the request with the sender's secrets and public keys. When a <c>v1a</c> signature matches none and the sender
    /// publishes a key set, the set is fetched again (within its bounds) and, if it changed, the request verified again: the
    /// sender may have begun signing with a new key. Null when there is nothing to verify with: no secret nor public key is
    /// configured, and the key set could not be fetched.
    /// </summary>
    private async Task<WebhookVerificationResult?> VerifyAsync(
        HttpContext context, string sender, WebhookReceivingOptions options, string messageId, MemoryStream body)
    {
        var headers = context.Request.Headers;
        var url = options.PublicKeysUrl;
        var cancellation = context.RequestAborted;
        var keys = url is null ? null : await _keySets.GetAsync(url, options.PublicKeysRefreshInterval, cancellation).ConfigureAwait(false);
        var timestamp = headers[WebhookHeaders.Timestamp].ToString();
        var signature = headers[WebhookHeaders.Signature].ToString();
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        var result = Verifier(sender, options, keys)?.Verify(messageId, timestamp, signature, bytes.Span);
        if (url is not null
            && result is null or WebhookVerificationResult.NoMatchingSignature
            && signature.Contains("v1a,", StringComparison.Ordinal)
            && await _keySets.RefreshAsync(url, cancellation).ConfigureAwait(false) is var refreshed
            && !ReferenceEquals(refreshed, keys))
        {
            result = Verifier(sender, options, refreshed)?.Verify(messageId, timestamp, signature, bytes.Span);
        }

        return result;
    }

    /// <summary>The sender's verifier for these fetched keys, made once per change; null when there is nothing to verify with.</summary>
    private WebhookVerifier? Verifier(string sender, WebhookReceivingOptions options, WebhookPublicKeySet? keys)
    {
        if (_verifiers.TryGetValue(sender, out var cached) && ReferenceEquals(cached.Keys, keys))
        {
            return cached.Verifier;
        }

        WebhookSecret[] secrets = [.. options.Secrets.Select(WebhookSecret.Parse)];
        WebhookPublicKey[] publicKeys = [.. options.PublicKeys.Select(WebhookPublicKey.Parse).Concat(keys?.Keys ?? []).Distinct()];
        var verifier = secrets.Length == 0 && publicKeys.Length == 0
            ? null
            : new WebhookVerifier(secrets, publicKeys) { TimeProvider = _time, Tolerance = options.Tolerance };
        _verifiers[sender] = new CachedVerifier(verifier, keys);
        return verifier;
    }

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
        _ => $"No v1 or v1a signature in the {WebhookHeaders.Signature} header matches the body with any of the configured secrets "
            + "or public keys.",
    };

    /// <summary>A verifier, and the fetched keys it was made with (null when the sender publishes no key set).</summary>
    private sealed record CachedVerifier(WebhookVerifier? Verifier, WebhookPublicKeySet? Keys);

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail, WebhookVerificationResult? result)
    {
        var extensions = result is { } failed
            ? new Dictionary<string, object?> { ["failedCheck"] = failed.ToString() }
            : null;
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions).ExecuteAsync(context);
    }
}
