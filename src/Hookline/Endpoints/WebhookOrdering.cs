namespace Hookline;

/// <summary>
/// In what order an endpoint receives its deliveries. Ordered endpoints receive them one at a time per ordering key (the
/// <c>orderingKey</c> given to <see cref="IWebhookPublisher.PublishAsync{TPayload}"/>; messages published without one share
/// a key of their own), in the order they were published, across every app instance sharing the store; different keys go
/// at once, up to the endpoint's limits.
/// </summary>
public enum WebhookOrdering
{
    /// <summary>
    /// As fast as the endpoint takes them, several at once: a delivery waiting for a retry does not hold back the ones published
    /// after it. The default.
    /// </summary>
    None = 0,

    /// <summary>
    /// In publish order per ordering key. A delivery whose retries run out is <see cref="Storage.WebhookDeliveryStatus.Blocked"/>: the
    /// later ones of its key wait until it is resent (and succeeds) or skipped.
    /// </summary>
    Ordered = 1,

    /// <summary>
    /// In publish order per ordering key. A delivery whose retries run out is <see cref="Storage.WebhookDeliveryStatus.Failed"/> and the
    /// next one of its key goes.
    /// </summary>
    OrderedSkipFailures = 2,
}
