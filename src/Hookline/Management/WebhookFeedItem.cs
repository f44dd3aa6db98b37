namespace Hookline.Management;

/// <summary>
/// A message read from a polling endpoint's feed: what a delivery of it would send, its body and its Standard Webhooks headers,
/// signed with the endpoint's secrets when read.
/// </summary>
public sealed record WebhookFeedItem
{
    /// <summary>The message id, <c>msg_...</c>: also its <c>webhook-id</c>, the same on every read; drop one you handled already.</summary>
    public required string Id { get; init; }

    /// <summary>Its event type.</summary>
    public required string EventType { get; init; }

    /// <summary>The HTTP method a delivery of it would use.</summary>
    public required string Method { get; init; }

    /// <summary>When it was published.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The payload, exactly as a delivery's body carries it, as text: verify the signature over its UTF-8 bytes, then parse it as
    /// JSON. (Text, not a JSON value, so that no client's parser can change a byte of what was signed.)
    /// </summary>
    public required string Body { get; init; }

    /// <summary>
    /// The three headers a delivery carries: <c>webhook-id</c>, <c>webhook-timestamp</c> (when it was read) and
    /// <c>webhook-signature</c> (one <c>v1,</c> signature per secret, and one <c>v1a,</c> per signing key, of the endpoint signing
    /// now). Any Standard Webhooks library verifies <see cref="Body"/> with them, as it verifies a delivery.
    /// </summary>
    public required WebhookFeedHeaders Headers { get; init; }

    /// <summary>A cursor just after this message: read from it to go on with the next one.</summary>
    public required string Cursor { get; init; }
}
