using System.Text.Json.Serialization;

namespace Hookline.Management;

/// <summary>The Standard Webhooks headers of a message read from a feed, named as a delivery's are.</summary>
/// <param name="WebhookId">The <c>webhook-id</c>: the message id.</param>
/// <param name="WebhookTimestamp">The <c>webhook-timestamp</c>: when it was signed (read), in seconds since the Unix epoch.</param>
/// <param name="WebhookSignature">
/// The <c>webhook-signature</c>: space-separated <c>v1,&lt;base64&gt;</c> and <c>v1a,&lt;base64&gt;</c> signatures.
/// </param>
public sealed record WebhookFeedHeaders(
    [property: JsonPropertyName("webhook-id")] string WebhookId,
    [property: JsonPropertyName("webhook-timestamp")] string WebhookTimestamp,
    [property: JsonPropertyName("webhook-signature")] string WebhookSignature);
