using System.Text;

namespace Hookline.StandardWebhooks;

/// <summary>
/// Signs Standard Webhooks messages, over <c>"{id}.{timestamp}.{body}"</c>: with a <see cref="WebhookSecret"/>,
/// <c>v1,</c> + base64(HMAC-SHA256); with a <see cref="WebhookSigningKey"/>, <c>v1a,</c> + base64(Ed25519 signature).
/// </summary>
public static class WebhookSigner
{
    private const string Version = "v1,";
    private const string AsymmetricVersion = "v1a,";

    /// <summary>The <c>webhook-signature</c> header value for one secret: <c>v1,&lt;base64&gt;</c>.</summary>
    /// <param name="secret">The secret that signs.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(WebhookSecret secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Sign([secret], [], messageId, timestamp, body);
    }

    /// <summary>
    /// The <c>webhook-signature</c> header value for several secrets, as during a rotation: one <c>v1,&lt;base64&gt;</c>
    /// signature per secret, in order, separated by spaces. A receiver holding any one of the secrets accepts it.
    /// </summary>
    /// <param name="secrets">The secrets that sign: at least one.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(ReadOnlySpan<WebhookSecret> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body) =>
        Sign(secrets, [], messageId, timestamp, body);

    /// <summary>The <c>webhook-signature</c> header value for one signing key: <c>v1a,&lt;base64&gt;</c>.</summary>
    /// <param name="signingKey">The key that signs.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(WebhookSigningKey signingKey, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        return Sign([], [signingKey], messageId, timestamp, body);
    }

    /// <summary>
    /// The <c>webhook-signature</c> header value for secrets and signing keys together: one <c>v1,&lt;base64&gt;</c> signature per
    /// secret, then one <c>v1a,&lt;base64&gt;</c> signature per signing key, in order, separated by spaces. A receiver holding any
    /// one of the secrets, or the public key of any one of the signing keys, accepts it: the way to move receivers from
    /// <c>v1</c> to <c>v1a</c>, or from one key to the next, without a moment when a delivery fails.
    /// </summary>
    /// <param name="secrets">The secrets that sign (<c>v1</c>); may be empty when <paramref name="signingKeys"/> is not.</param>
    /// <param name="signingKeys">The signing keys that sign (<c>v1a</c>); may be empty when <paramref name="secrets"/> is not.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(
        ReadOnlySpan<WebhookSecret> secrets,
        ReadOnlySpan<WebhookSigningKey> signingKeys,
        string messageId,
        long timestamp,
        ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        if (secrets.IsEmpty && signingKeys.IsEmpty)
        {
            throw new ArgumentException("At least one secret or signing key signs a message.", nameof(secrets));
        }

        using var content = new SignedContent(messageId, timestamp, body);
        var header = new StringBuilder((secrets.Length * (Version.Length + 45)) + (signingKeys.Length * (AsymmetricVersion.Length + 89)));
        Span<byte> signature = stackalloc byte[SignedContent.SignatureBytes];
        Span<char> encoded = stackalloc char[88];
        foreach (var secret in secrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(secrets));
            content.Mac(secret, signature[..SignedContent.MacBytes]);
            Append(header, Version, signature[..SignedContent.MacBytes], encoded);
        }

        foreach (var signingKey in signingKeys)
        {
            ArgumentNullException.ThrowIfNull(signingKey, nameof(signingKeys));
            content.Sign(signingKey, signature);
            Append(header, AsymmetricVersion, signature, encoded);
        }

        return header.ToString();
    }

    private static void Append(StringBuilder header, string version, ReadOnlySpan<byte> signature, Span<char> encoded)
    {
        Convert.TryToBase64Chars(signature, encoded, out var length);
        if (header.Length > 0)
        {
            header.Append(' ');
        }

        header.Append(version).Append(encoded[..length]);
    }
}
