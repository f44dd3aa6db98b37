using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hookline;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
/// The <c>webhook-signature</c> header carries one per active secret, separated by spaces.
/// </summary>
internal static class WebhookSignature
{
    private const string Version = "v1,";

    /// <summary>The signature of one message attempt with one key.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{messageId}.{timestamp}.")));
        hmac.AppendData(body);
        Span<byte> mac = stackalloc byte[SHA256.HashSizeInBytes];
        hmac.GetHashAndReset(mac);
        return Version + Convert.ToBase64String(mac);
    }

    /// <summary>The <c>webhook-signature</c> header value: one signature per key, space-separated.</summary>
    public static string SignatureHeader(IEnumerable<byte[]> keys, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var header = new StringBuilder();
        foreach (var key in keys)
        {
            if (header.Length > 0)
            {
                header.Append(' ');
            }

            header.Append(Sign(key, messageId, timestamp, body));
        }

        return header.Length > 0 ? header.ToString() : throw new ArgumentException("At least one key signs a message.", nameof(keys));
    }
}
