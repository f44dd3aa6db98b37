using System.Text;

namespace Hookline.StandardWebhooks;

/// <summary>Signs Standard Webhooks messages: <c>v1,</c> + base64(HMAC-SHA256(key, <c>"{id}.{timestamp}.{body}"</c>)).</summary>
public static class WebhookSigner
{
    private const string Version = "v1,";

    /// <summary>The <c>webhook-signature</c> header value for one secret: <c>v1,&lt;base64&gt;</c>.</summary>
    /// <param name="secret">The secret that signs.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(WebhookSecret secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Sign([secret], messageId, timestamp, body);
    }

    /// <summary>
    /// The <c>webhook-signature</c> header value for several secrets, as during a rotation: one <c>v1,&lt;base64&gt;</c>
    /// signature per secret, in order, separated by spaces. A receiver holding any one of the secrets accepts it.
    /// </summary>
    /// <param name="secrets">The secrets that sign: at least one.</param>
    /// <param name="messageId">The <c>webhook-id</c> header value.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header value: seconds since the Unix epoch.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    public static string Sign(ReadOnlySpan<WebhookSecret> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        if (secrets.IsEmpty)
        {
            throw new ArgumentException("At least one secret signs a message.", nameof(secrets));
        }

        using var content = new SignedContent(messageId, timestamp, body);
        var header = new StringBuilder(secrets.Length * (Version.Length + 45));
        Span<byte> mac = stackalloc byte[SignedContent.MacBytes];
        Span<char> encoded = stackalloc char[44];
        foreach (var secret in secrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(secrets));
            content.Mac(secret, mac);
            Convert.TryToBase64Chars(mac, encoded, out var length);
            if (header.Length > 0)
            {
                header.Append(' ');
            }

            header.Append(Version).Append(encoded[..length]);
        }

        return header.ToString();
    }
}
