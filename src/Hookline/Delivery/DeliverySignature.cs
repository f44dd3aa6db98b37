using System.Globalization;

namespace Hookline;

/// <summary>
/// The Standard Webhooks headers of a message as an endpoint gets it: its id, the time of signing, and a signature by every
/// secret and signing key of the endpoint still active then. A delivery's request and a polling endpoint's feed carry the same,
/// made here.
/// </summary>
/// <param name="Id">The <c>webhook-id</c>: the message id.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c>: seconds since the Unix epoch.</param>
/// <param name="Signature">
/// The <c>webhook-signature</c>: one <c>v1,</c> signature per active secret, then one <c>v1a,</c> signature per active signing key.
/// </param>
internal sealed record DeliverySignature(string Id, string Timestamp, string Signature)
{
    /// <summary>Signs <paramref name="payload"/>, the stored bytes, at <paramref name="now"/>.</summary>
    /// <param name="secrets">The endpoint's secrets in the clear.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="payload">The exact bytes sent (or read).</param>
    /// <param name="now">When it is signed.</param>
    /// <exception cref="FormatException">A secret is neither a <c>whsec_</c> secret nor a <c>whsk_</c> signing key.</exception>
    public static DeliverySignature Sign(
        IEnumerable<WebhookEndpointSecret> secrets, string messageId, ReadOnlySpan<byte> payload, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var active = secrets.Where(s => s.IsActive(now)).ToList();
        WebhookSecret[] symmetric = [.. active.Where(s => s.Scheme == WebhookSignatureScheme.V1).Select(s => WebhookSecret.Parse(s.Value))];
        WebhookSigningKey[] asymmetric =
            [.. active.Where(s => s.Scheme == WebhookSignatureScheme.V1a).Select(s => WebhookSigningKey.Parse(s.Value))];
        return new DeliverySignature(
            messageId,
            timestamp.ToString(CultureInfo.InvariantCulture),
            WebhookSigner.Sign(symmetric, asymmetric, messageId, timestamp, payload));
    }
}
