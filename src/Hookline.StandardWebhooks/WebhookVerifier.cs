using System.Globalization;
using System.Security.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// Verifies Standard Webhooks requests against one or more secrets (several during a rotation): the signature, compared in
/// constant time, and the timestamp, within <see cref="Tolerance"/> of <see cref="TimeProvider"/>'s clock.
/// Thread-safe; make one and keep it.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>How far <c>webhook-timestamp</c> may be from the clock unless <see cref="Tolerance"/> says otherwise: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const int StackSecrets = 8;
    private readonly WebhookSecret[] _secrets;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly TimeSpan _tolerance = DefaultTolerance;

    /// <summary>
    /// A verifier that accepts signatures made with any of <paramref name="secrets"/>: the endpoint's secret, or the old and
    /// the new one during a rotation.
    /// </summary>
    /// <param name="secrets">The secrets to accept: at least one.</param>
    public WebhookVerifier(params IEnumerable<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets];
        if (_secrets.Length == 0)
        {
            throw new ArgumentException("A verifier needs at least one secret.", nameof(secrets));
        }

        foreach (var secret in _secrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(secrets));
        }
    }

    /// <summary>The clock timestamps are checked against.</summary>
    /// <value><see cref="TimeProvider.System"/>; inject the app's, or a fake one in tests.</value>
    public TimeProvider TimeProvider
    {
        get => _time;
        init => _time = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>How far <c>webhook-timestamp</c> may be from the clock, either way, to refuse replays.</summary>
    /// <value><see cref="DefaultTolerance"/>: 5 minutes, as the official libraries.</value>
    public TimeSpan Tolerance
    {
        get => _tolerance;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _tolerance = value;
        }
    }

    /// <summary>Checks a request: its three Standard Webhooks header values and its body, byte for byte as received.</summary>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value.</param>
    /// <param name="signature">The <c>webhook-signature</c> header value: one or more space-separated signatures.</param>
    /// <param name="body">The raw request body.</param>
    /// <returns><see cref="WebhookVerificationResult.Verified"/>, or why the request must be refused.</returns>
    public WebhookVerificationResult Verify(string? messageId, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerificationResult.MissingHeader;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerificationResult.InvalidTimestamp;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var tolerance = _tolerance.Ticks / TimeSpan.TicksPerSecond;
        if (now - seconds > tolerance)
        {
            return WebhookVerificationResult.TimestampTooOld;
        }

        if (seconds - now > tolerance)
        {
            return WebhookVerificationResult.TimestampInFuture;
        }

        var macBytes = _secrets.Length * SignedContent.MacBytes;
        Span<byte> macs = _secrets.Length <= StackSecrets ? stackalloc byte[StackSecrets * SignedContent.MacBytes] : new byte[macBytes];
        macs = macs[..macBytes];
        using (var content = new SignedContent(messageId, seconds, body))
        {
            for (var i = 0; i < _secrets.Length; i++)
            {
                content.Mac(_secrets[i], macs.Slice(i * SignedContent.MacBytes, SignedContent.MacBytes));
            }
        }

        return AnyMatches(signature, macs) ? WebhookVerificationResult.Verified : WebhookVerificationResult.NoMatchingSignature;
    }

    /// <summary>Whether any <c>v1,</c> signature in the header equals one of the MACs; other versions are skipped.</summary>
    private static bool AnyMatches(ReadOnlySpan<char> header, ReadOnlySpan<byte> macs)
    {
        Span<byte> received = stackalloc byte[SignedContent.MacBytes];
        foreach (var range in header.Split(' '))
        {
            var entry = header[range];
            // A destination of exactly one MAC: longer signatures fail to decode, shorter ones are caught by the length.
            if (!entry.StartsWith("v1,", StringComparison.Ordinal)
                || !Convert.TryFromBase64Chars(entry[3..], received, out var length)
                || length != SignedContent.MacBytes)
            {
                continue;
            }

            for (var offset = 0; offset < macs.Length; offset += SignedContent.MacBytes)
            {
                if (CryptographicOperations.FixedTimeEquals(received, macs.Slice(offset, SignedContent.MacBytes)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
