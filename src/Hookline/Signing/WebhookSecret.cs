using System.Security.Cryptography;

namespace Hookline;

/// <summary>Standard Webhooks signing secrets: <c>whsec_</c> followed by the base64 of 24 to 64 random bytes.</summary>
internal static class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;
    public const int DefaultKeyBytes = 32;

    /// <summary>A new secret from a cryptographic random source.</summary>
    public static string Generate(int keyBytes = DefaultKeyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyBytes, MinKeyBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyBytes, MaxKeyBytes);
        return Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(keyBytes));
    }

    /// <summary>The HMAC key of a secret; throws a <see cref="FormatException"/> that says what is wrong, never what the secret is.</summary>
    public static byte[] DecodeKey(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"A webhook secret starts with '{Prefix}'.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret[Prefix.Length..]);
        }
        catch (FormatException)
        {
            throw new FormatException($"A webhook secret is '{Prefix}' followed by base64.");
        }

        return key.Length is >= MinKeyBytes and <= MaxKeyBytes
            ? key
            : throw new FormatException($"A webhook secret's key is {MinKeyBytes} to {MaxKeyBytes} bytes; this one has {key.Length}.");
    }
}
