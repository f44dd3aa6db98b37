namespace Hookline.Storage;

/// <summary>Where a delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (or in flight under a lease).</summary>
    Pending = 0,

    /// <summary>The receiver acknowledged it.</summary>
    Succeeded = 1,

    /// <summary>Given up on; a replay makes it pending again.</summary>
    Failed = 2,

    /// <summary>
    /// Given up on, at an endpoint with <see cref="WebhookOrdering.Ordered"/> delivery: the later deliveries of its ordering key
    /// wait until it is resent (pending again, at the head of its key) or skipped (failed).
    /// </summary>
    Blocked = 3,
}
