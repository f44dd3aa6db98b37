using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// A Standard Webhooks signing key, parsed: <c>whsk_</c> followed by the base64 of a 64-byte Ed25519 private key (its 32-byte
/// seed, then its 32-byte public key, as libsodium and Svix write it). It makes <c>v1a</c> signatures, which receivers verify
/// with its <see cref="PublicKey"/> and cannot make themselves. It never shows its secret half: <see cref="object.ToString"/> does
/// not reveal it.
/// </summary>
public sealed class WebhookSigningKey
{
    /// <summary>What every signing key starts with.</summary>
    public const string Prefix = "whsk_";

    /// <summary>The length of a signing key, in bytes: the Ed25519 seed, then the public key.</summary>
    public const int KeyBytes = SeedBytes + WebhookPublicKey.KeyBytes;

    private const int SeedBytes = 32;

    private WebhookSigningKey(Key key, WebhookPublicKey publicKey)
    {
        Key = key;
        PublicKey = publicKey;
    }

    /// <summary>The public key that verifies this key's signatures: the <c>whpk_</c> to give receivers.</summary>
    public WebhookPublicKey PublicKey { get; }

    /// <summary>The key, for NSec: in libsodium's memory, never exportable, freed when the key is collected.</summary>
    internal Key Key { get; }

    /// <summary>
    /// A new signing key from a cryptographic random source, in its <c>whsk_</c> form: the text the sender stores and never
    /// gives away. <see cref="Parse"/> it to sign, and to get the <see cref="PublicKey"/> receivers verify with.
    /// </summary>
    public static string Generate()
    {
        Span<byte> pair = stackalloc byte[KeyBytes];
        try
        {
            RandomNumberGenerator.Fill(pair[..SeedBytes]);
            using var key = Key.Import(SignatureAlgorithm.Ed25519, pair[..SeedBytes], KeyBlobFormat.RawPrivateKey);
            key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, pair[SeedBytes..], out _);
            return Prefix + Convert.ToBase64String(pair);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pair);
        }
    }

    /// <summary>Parses a <c>whsk_</c> signing key.</summary>
    /// <exception cref="FormatException">The key is malformed; the message says how, never what the key is.</exception>
    public static WebhookSigningKey Parse(string signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        return TryParse(signingKey, out var parsed, out var error) ? parsed : throw new FormatException(error);
    }

    /// <summary>Parses a <c>whsk_</c> signing key, or returns false when it is missing or malformed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? signingKey, [NotNullWhen(true)] out WebhookSigningKey? result) =>
        TryParse(signingKey, out result, out _);

    private static bool TryParse(
        string? signingKey, [NotNullWhen(true)] out WebhookSigningKey? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (signingKey is null || !signingKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = signingKey switch
            {
                _ when signingKey?.StartsWith(WebhookPublicKey.Prefix, StringComparison.Ordinal) == true =>
                    $"This is a public key ('{WebhookPublicKey.Prefix}'), which verifies: a webhook signing key starts with '{Prefix}'.",
                _ when signingKey?.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) == true =>
                    $"This is a secret for v1 signatures ('{WebhookSecret.Prefix}'): a webhook signing key starts with '{Prefix}'.",
                _ => $"A webhook signing key starts with '{Prefix}'.",
            };
            return false;
        }

        var encoded = signingKey.AsSpan(Prefix.Length);
        if (!Base64.IsValid(encoded, out var length))
        {
            error = $"A webhook signing key is '{Prefix}' followed by base64.";
            return false;
        }

        if (length != KeyBytes)
        {
            error = $"A webhook signing key is {KeyBytes} bytes (an Ed25519 seed, then its public key); this one has {length}.";
            return false;
        }

        Span<byte> pair = stackalloc byte[KeyBytes];
        try
        {
            Convert.TryFromBase64Chars(encoded, pair, out _);
            var key = Key.Import(SignatureAlgorithm.Ed25519, pair[..SeedBytes], KeyBlobFormat.RawPrivateKey);
            Span<byte> derived = stackalloc byte[WebhookPublicKey.KeyBytes];
            key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, derived, out _);
            if (!CryptographicOperations.FixedTimeEquals(derived, pair[SeedBytes..]))
            {
                key.Dispose();
                error = "A webhook signing key's last 32 bytes are not the public key of its first 32: the key is damaged.";
                return false;
            }

            result = new WebhookSigningKey(key, WebhookPublicKey.FromBytes(derived));
            error = null;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pair);
        }
    }
}
