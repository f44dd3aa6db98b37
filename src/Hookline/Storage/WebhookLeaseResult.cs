using System.Collections;

namespace Hookline.Storage;

/// <summary>
/// What <see cref="IWebhookDeliveryQueue.LeaseAsync"/> leased, in the order it gave them their slots, and when the next endpoint
/// is due: the dispatcher wakes then rather than at its next poll, so a rate-limited endpoint is sent to at its rate, a
/// retry goes out when it is due and an open circuit's probe when its break ends.
/// </summary>
/// <param name="deliveries">The deliveries leased.</param>
/// <param name="nextDueAt">
/// The earliest time, after the lease's <see cref="WebhookLeaseRequest.Now"/>, at which an endpoint is due; <see langword="null"/> when
/// there is none.
/// </param>
public sealed class WebhookLeaseResult(IReadOnlyList<WebhookLeasedDelivery> deliveries, DateTimeOffset? nextDueAt)
    : IReadOnlyList<WebhookLeasedDelivery>
{
    /// <summary>
    /// The earliest time, after the lease's <see cref="WebhookLeaseRequest.Now"/>, at which an endpoint is due: a delivery of it waits
    /// for a retry, its rate limit, its circuit or a lease that may run out; <see langword="null"/> when there is none. An
    /// endpoint that waits only for a slot is due now, not after: a finished attempt wakes the dispatcher.
    /// </summary>
    public DateTimeOffset? NextDueAt { get; } = nextDueAt;

    /// <inheritdoc />
    public int Count => deliveries.Count;

    /// <inheritdoc />
    public WebhookLeasedDelivery this[int index] => deliveries[index];

    /// <inheritdoc />
    public IEnumerator<WebhookLeasedDelivery> GetEnumerator() => deliveries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
