using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// A Standard Webhooks public key, parsed: <c>whpk_</c> followed by the base64 of a 32-byte Ed25519 public key. A receiver
/// verifies <c>v1a</c> signatures with it; only the sender, holding the matching <see cref="WebhookSigningKey"/>, can make them.
/// It is not a secret: <see cref="ToString"/> gives its <c>whpk_</c> form, <see cref="ToJsonWebKey"/> its JSON Web Key.
/// Two keys are equal when their bytes are.
/// </summary>
public sealed class WebhookPublicKey : IEquatable<WebhookPublicKey>
{
    /// <summary>What every public key starts with.</summary>
    public const string Prefix = "whpk_";

    /// <summary>The length of an Ed25519 public key, in bytes.</summary>
    public const int KeyBytes = 32;

    private readonly byte[] _bytes;

    private WebhookPublicKey(byte[] bytes, PublicKey key)
    {
        _bytes = bytes;
        Key = key;
        Thumbprint = ComputeThumbprint(bytes);
    }

    /// <summary>
    /// The key's RFC 7638 JSON Web Key thumbprint: base64url of the SHA-256 of <c>{"crv":"Ed25519","kty":"OKP","x":...}</c>.
    /// It names the key in a JSON Web Key Set (its <c>kid</c>), the same for every copy of the key.
    /// </summary>
    public string Thumbprint { get; }

    /// <summary>The key, for NSec.</summary>
    internal PublicKey Key { get; }

    /// <summary>The 32 bytes of the key.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Parses a <c>whpk_</c> public key.</summary>
    /// <exception cref="FormatException">The key is malformed; the message says how.</exception>
    public static WebhookPublicKey Parse(string publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return TryParse(publicKey, out var parsed, out var error) ? parsed : throw new FormatException(error);
    }

    /// <summary>Parses a <c>whpk_</c> public key, or returns false when it is missing or malformed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? publicKey, [NotNullWhen(true)] out WebhookPublicKey? result) =>
        TryParse(publicKey, out result, out _);

    /// <summary>
    /// The key as an RFC 8037 JSON Web Key: <c>{"kty":"OKP","crv":"Ed25519","x":...,"kid":...,"use":"sig"}</c>, with
    /// <see cref="Thumbprint"/> as its <c>kid</c>. <see cref="WebhookJsonWebKeySet"/> writes and reads sets of them.
    /// </summary>
    public string ToJsonWebKey()
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            WriteJsonWebKey(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The key's <c>whpk_</c> form: the text to give receivers.</summary>
    public override string ToString() => Prefix + Convert.ToBase64String(_bytes);

    /// <inheritdoc />
    public bool Equals(WebhookPublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WebhookPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>
    /// A key from its 32 bytes. Any 32 bytes import; libsodium refuses to verify with the few that are not a usable point.
    /// </summary>
    internal static WebhookPublicKey FromBytes(ReadOnlySpan<byte> bytes) =>
        new(bytes.ToArray(), PublicKey.Import(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey));

    /// <summary>Writes the key's JSON Web Key, as <see cref="ToJsonWebKey"/> gives it.</summary>
    internal void WriteJsonWebKey(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("kty", "OKP");
        writer.WriteString("crv", "Ed25519");
        writer.WriteString("x", Base64Url.EncodeToString(_bytes));
        writer.WriteString("kid", Thumbprint);
        writer.WriteString("use", "sig");
        writer.WriteEndObject();
    }

    private static bool TryParse(
        string? publicKey, [NotNullWhen(true)] out WebhookPublicKey? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (publicKey is null || !publicKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = publicKey?.StartsWith(WebhookSigningKey.Prefix, StringComparison.Ordinal) == true
                ? $"This is a signing key ('{WebhookSigningKey.Prefix}'), which stays with the sender: a webhook public key starts "
                    + $"with '{Prefix}'."
                : $"A webhook public key starts with '{Prefix}'.";
            return false;
        }

        var encoded = publicKey.AsSpan(Prefix.Length);
        if (!Base64.IsValid(encoded, out var length))
        {
            error = $"A webhook public key is '{Prefix}' followed by base64.";
            return false;
        }

        if (length != KeyBytes)
        {
            error = $"A webhook public key is {KeyBytes} bytes (an Ed25519 public key); this one has {length}.";
            return false;
        }

        Span<byte> bytes = stackalloc byte[KeyBytes];
        Convert.TryFromBase64Chars(encoded, bytes, out _);
        result = FromBytes(bytes);
        error = null;
        return true;
    }

    // RFC 7638: the required members of an OKP key, in lexicographic order, without whitespace.
    private static string ComputeThumbprint(byte[] bytes)
    {
        var members = $"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Base64Url.EncodeToString(bytes)}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(members)));
    }
}
