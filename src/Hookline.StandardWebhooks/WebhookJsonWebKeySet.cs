using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Hookline.StandardWebhooks;

/// <summary>
/// Writes and reads JSON Web Key Sets (RFC 7517) of <see cref="WebhookPublicKey"/>s, each an RFC 8037 <c>OKP</c> key on the
/// <c>Ed25519</c> curve: the way a sender publishes its public keys at a URL, and a receiver fetches the ones it trusts.
/// </summary>
public static class WebhookJsonWebKeySet
{
    /// <summary>
    /// The JSON Web Key Set of <paramref name="keys"/>: <c>{"keys":[...]}</c>, each as <see cref="WebhookPublicKey.ToJsonWebKey"/>
    /// writes it, in order.
    /// </summary>
    /// <param name="keys">The public keys to publish: the current one, and during a rotation the others still signing.</param>
    public static string Format(IEnumerable<WebhookPublicKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                ArgumentNullException.ThrowIfNull(key, nameof(keys));
                key.WriteJsonWebKey(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the Ed25519 public keys of a JSON Web Key Set; see <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    /// <exception cref="FormatException">The document is not a key set, or one of its Ed25519 keys is malformed.</exception>
    public static IReadOnlyList<WebhookPublicKey> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Reads the Ed25519 public keys of a JSON Web Key Set, UTF-8 encoded: every member of <c>keys</c> with <c>"kty":"OKP"</c> and
    /// <c>"crv":"Ed25519"</c>, in order, whatever its <c>kid</c>. Keys of other types and curves, and keys whose <c>use</c> is not
    /// <c>sig</c> or whose <c>alg</c> is not <c>EdDSA</c> or <c>Ed25519</c>, are skipped: a set may publish keys for other uses.
    /// </summary>
    /// <param name="utf8Json">The document.</param>
    /// <returns>The keys; empty when the set has no Ed25519 signing key.</returns>
    /// <exception cref="FormatException">The document is not a key set, or one of its Ed25519 keys is malformed or private (it has
    /// a <c>d</c>); the message says which and how.</exception>
    public static IReadOnlyList<WebhookPublicKey> Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException error)
        {
            throw new FormatException($"A JSON Web Key Set is JSON: {error.Message}", error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var members)
                || members.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("A JSON Web Key Set is an object with a 'keys' array.");
            }

            var keys = new List<WebhookPublicKey>();
            var index = 0;
            foreach (var member in members.EnumerateArray())
            {
                if (Read(member, index++) is { } key)
                {
                    keys.Add(key);
                }
            }

            return keys;
        }
    }

    private static WebhookPublicKey? Read(JsonElement member, int index)
    {
        if (member.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"keys[{index}] is not a JSON object.");
        }

        if (String(member, "kty") != "OKP" || String(member, "crv") != "Ed25519"
            || String(member, "use") is not (null or "sig")
            || String(member, "alg") is not (null or "EdDSA" or "Ed25519"))
        {
            return null;
        }

        if (member.TryGetProperty("d", out _))
        {
            throw new FormatException($"keys[{index}] is a private key (it has a 'd'): a key set publishes public keys only.");
        }

        Span<byte> bytes = stackalloc byte[WebhookPublicKey.KeyBytes + 3];
        return String(member, "x") is { } x
            && Base64Url.IsValid(x, out var length) && length == WebhookPublicKey.KeyBytes
            && Base64Url.TryDecodeFromChars(x, bytes, out _)
                ? WebhookPublicKey.FromBytes(bytes[..WebhookPublicKey.KeyBytes])
                : throw new FormatException(
                    $"keys[{index}]'s 'x' is not the base64url of a {WebhookPublicKey.KeyBytes}-byte Ed25519 public key.");
    }

    private static string? String(JsonElement member, string name) =>
        member.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
