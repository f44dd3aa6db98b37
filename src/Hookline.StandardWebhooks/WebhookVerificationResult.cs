namespace Hookline.StandardWebhooks;

/// <summary>What <see cref="WebhookVerifier.Verify"/> found: <see cref="Verified"/>, or the first reason to refuse the request.</summary>
public enum WebhookVerificationResult
{
    /// <summary>
    /// A <c>v1</c> signature matched one of the secrets, or a <c>v1a</c> signature one of the public keys, and the timestamp is
    /// within the tolerance.
    /// </summary>
    Verified,

    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is missing or empty.</summary>
    MissingHeader,

    /// <summary><c>webhook-timestamp</c> is not a whole number of seconds since the Unix epoch.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is further in the past than the tolerance: possibly a replay.</summary>
    TimestampTooOld,

    /// <summary>The timestamp is further in the future than the tolerance.</summary>
    TimestampInFuture,

    /// <summary>
    /// No <c>v1</c> signature in <c>webhook-signature</c> matches any of the secrets, and no <c>v1a</c> signature any of the public
    /// keys (other versions are ignored).
    /// </summary>
    NoMatchingSignature,
}
