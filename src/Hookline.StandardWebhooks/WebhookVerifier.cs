using System.Globalization;
using System.Security.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// Verifies Standard Webhooks requests against the secrets (<c>v1</c>, HMAC-SHA256) and the public keys (<c>v1a</c>, Ed25519) the
/// receiver trusts, several of each during a rotation: any one signature in the header that matches verifies the request,
/// signatures of other versions are ignored. HMACs are compared in constant time; the timestamp must be within
/// <see cref="Tolerance"/> of <see cref="TimeProvider"/>'s clock. Thread-safe; make one and keep it.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>How far <c>webhook-timestamp</c> may be from the clock unless <see cref="Tolerance"/> says otherwise: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    // Each v1a signature costs one Ed25519 verification per public key; a sender signs with a few keys at most, so a header
    // packed with more is not checked past these.
    private const int MaxAsymmetricSignatures = 16;
    private const int StackSecrets = 8;
    private readonly WebhookSecret[] _secrets;
    private readonly WebhookPublicKey[] _publicKeys;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly TimeSpan _tolerance = DefaultTolerance;

    /// <summary>
    /// A verifier that accepts <c>v1</c> signatures made with any of <paramref name="secrets"/>: the endpoint's secret, or the old
    /// and the new one during a rotation.
    /// </summary>
    /// <param name="secrets">The secrets to accept: at least one.</param>
    public WebhookVerifier(params IEnumerable<WebhookSecret> secrets)
        : this(secrets, [])
    {
    }

    /// <summary>
    /// A verifier that accepts <c>v1a</c> signatures that any of <paramref name="publicKeys"/> verifies: the sender's public key,
    /// or the old and the new one during a rotation.
    /// </summary>
    /// <param name="publicKeys">The public keys to accept: at least one.</param>
    public WebhookVerifier(params IEnumerable<WebhookPublicKey> publicKeys)
        : this([], publicKeys)
    {
    }

    /// <summary>
    /// A verifier that accepts <c>v1</c> signatures made with any of <paramref name="secrets"/> and <c>v1a</c> signatures that any
    /// of <paramref name="publicKeys"/> verifies, as while a sender moves from secrets to signing keys.
    /// </summary>
    /// <param name="secrets">The secrets to accept; may be empty when <paramref name="publicKeys"/> is not.</param>
    /// <param name="publicKeys">The public keys to accept; may be empty when <paramref name="secrets"/> is not.</param>
    public WebhookVerifier(IEnumerable<WebhookSecret> secrets, IEnumerable<WebhookPublicKey> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(publicKeys);
        _secrets = [.. secrets];
        _publicKeys = [.. publicKeys];
        if (_secrets.Length == 0 && _publicKeys.Length == 0)
        {
            throw new ArgumentException("A verifier needs at least one secret or public key.", nameof(secrets));
        }

        foreach (var secret in _secrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(secrets));
        }

        foreach (var publicKey in _publicKeys)
        {
            ArgumentNullException.ThrowIfNull(publicKey, nameof(publicKeys));
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
    /// <param name="signature">The <c>webhook-signature</c> header value: one or more space-separated signatures, each
    /// <c>version,base64</c>.</param>
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
        using var content = new SignedContent(messageId, seconds, body);
        for (var i = 0; i < _secrets.Length; i++)
        {
            content.Mac(_secrets[i], macs.Slice(i * SignedContent.MacBytes, SignedContent.MacBytes));
        }

        return AnyMatches(signature, macs, content) ? WebhookVerificationResult.Verified : WebhookVerificationResult.NoMatchingSignature;
    }

    /// <summary>
    /// Whether any <c>v1,</c> signature in the header equals one of the MACs, or any <c>v1a,</c> signature is the content's under
    /// one of the public keys; other versions are skipped.
    /// </summary>
    private bool AnyMatches(ReadOnlySpan<char> header, ReadOnlySpan<byte> macs, in SignedContent content)
    {
        Span<byte> received = stackalloc byte[SignedContent.SignatureBytes];
        var asymmetric = 0;
        foreach (var range in header.Split(' '))
        {
            var entry = header[range];
            // A destination of exactly one signature: longer ones fail to decode, shorter ones are caught by the length.
            if (entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                if (Convert.TryFromBase64Chars(entry[3..], received[..SignedContent.MacBytes], out var length)
                    && length == SignedContent.MacBytes
                    && MatchesAnyMac(received[..SignedContent.MacBytes], macs))
                {
                    return true;
                }
            }
            else if (entry.StartsWith("v1a,", StringComparison.Ordinal)
                && _publicKeys.Length > 0
                && asymmetric++ < MaxAsymmetricSignatures
                && Convert.TryFromBase64Chars(entry[4..], received, out var length)
                && length == SignedContent.SignatureBytes)
            {
                foreach (var publicKey in _publicKeys)
                {
                    if (content.Verify(publicKey, received))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool MatchesAnyMac(ReadOnlySpan<byte> received, ReadOnlySpan<byte> macs)
    {
        for (var offset = 0; offset < macs.Length; offset += SignedContent.MacBytes)
        {
            if (CryptographicOperations.FixedTimeEquals(received, macs.Slice(offset, SignedContent.MacBytes)))
            {
                return true;
            }
        }

        return false;
    }
}
