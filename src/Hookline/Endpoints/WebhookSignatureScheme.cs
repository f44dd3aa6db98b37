namespace Hookline;

/// <summary>
/// How deliveries to an endpoint are signed (Standard Webhooks). An endpoint signs with one or both: each adds its signature to
/// the <c>webhook-signature</c> header, so receivers move from one to the other without a delivery they cannot verify.
/// </summary>
public enum WebhookSignatureScheme
{
    /// <summary><c>v1</c>: HMAC-SHA256 with a <c>whsec_</c> secret, which the receiver holds too.</summary>
    V1 = 0,

    /// <summary>
    /// <c>v1a</c>: Ed25519 with a <c>whsk_</c> signing key only the sender holds; the receiver verifies with its <c>whpk_</c>
    /// public key, which cannot sign.
    /// </summary>
    V1a = 1,
}
