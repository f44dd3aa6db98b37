namespace Hookline.StandardWebhooks;

/// <summary>The names of the three headers a Standard Webhooks request carries.</summary>
public static class WebhookHeaders
{
    /// <summary><c>webhook-id</c>: the message id, the same on every retry of a message; receivers drop duplicates with it.</summary>
    public const string Id = "webhook-id";

    /// <summary><c>webhook-timestamp</c>: when the attempt was signed, in seconds since the Unix epoch.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary>
    /// <c>webhook-signature</c>: space-separated signatures, one per secret (<c>v1,&lt;base64&gt;</c>) and signing key
    /// (<c>v1a,&lt;base64&gt;</c>) that signed.
    /// </summary>
    public const string Signature = "webhook-signature";
}
