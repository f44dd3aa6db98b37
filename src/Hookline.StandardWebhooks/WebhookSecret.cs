using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// A Standard Webhooks signing secret, parsed: <c>whsec_</c> followed by the base64 of a 24 to 64 byte HMAC key.
/// It never shows its key: <see cref="object.ToString"/> does not reveal it.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>What every secret starts with.</summary>
    public const string Prefix = "whsec_";

    /// <summary>The shortest key a secret may carry, in bytes.</summary>
    public const int MinKeyBytes = 24;

    /// <summary>The longest key a secret may carry, in bytes.</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>The key length <see cref="Generate"/> uses unless told otherwise, in bytes.</summary>
    public const int DefaultKeyBytes = 32;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    /// <summary>The HMAC key.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// A new secret from a cryptographic random source, in its <c>whsec_</c> form: the text to store and to give the
    /// receiver. <see cref="Parse"/> it to sign or verify.
    /// </summary>
    /// <param name="keyBytes">The key length, <see cref="MinKeyBytes"/> to <see cref="MaxKeyBytes"/>; <see cref="DefaultKeyBytes"/>
    /// by default.</param>
    public static string Generate(int keyBytes = DefaultKeyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyBytes, MinKeyBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyBytes, MaxKeyBytes);
        return Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(keyBytes));
    }

    /// <summary>Parses a <c>whsec_</c> secret.</summary>
    /// <exception cref="FormatException">The secret is malformed; the message says how, never what the secret is.</exception>
    public static WebhookSecret Parse(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return TryParse(secret, out var parsed, out var error) ? parsed : throw new FormatException(error);
    }

    /// <summary>Parses a <c>whsec_</c> secret, or returns false when it is missing or malformed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? secret, [NotNullWhen(true)] out WebhookSecret? result) =>
        TryParse(secret, out result, out _);

    private static bool TryParse(string? secret, [NotNullWhen(true)] out WebhookSecret? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"A webhook secret starts with '{Prefix}'.";
            return false;
        }

        var encoded = secret.AsSpan(Prefix.Length);
        if (!Base64.IsValid(encoded, out var length))
        {
            error = $"A webhook secret is '{Prefix}' followed by base64.";
            return false;
        }

        if (length is < MinKeyBytes or > MaxKeyBytes)
        {
            error = $"A webhook secret's key is {MinKeyBytes} to {MaxKeyBytes} bytes; this one has {length}.";
            return false;
        }

        var key = new byte[length];
        Convert.TryFromBase64Chars(encoded, key, out _);
        result = new WebhookSecret(key);
        error = null;
        return true;
    }
}
