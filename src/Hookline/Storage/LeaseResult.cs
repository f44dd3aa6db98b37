using System.Collections;

namespace Hookline.Storage;

/// <summary>
/// What <see cref="IWebhookDeliveryQueue.LeaseAsync"/> leased, in due order, and when the next pending delivery it left is
/// due: the dispatcher wakes then rather than at its next poll, so a rate-limited endpoint is sent to at its rate and a
/// retry goes out when it is due.
/// </summary>
/// <param name="deliveries">The deliveries leased.</param>
/// <param name="nextDueAt">
/// The earliest time, after the lease's <see cref="LeaseRequest.Now"/>, at which a pending delivery the lease did not take is
/// due; <see langword="null"/> when there is none.
/// </param>
public sealed class LeaseResult(IReadOnlyList<LeasedDelivery> deliveries, DateTimeOffset? nextDueAt) : IReadOnlyList<LeasedDelivery>
{
    /// <summary>
    /// The earliest time, after the lease's <see cref="LeaseRequest.Now"/>, at which a pending delivery the lease did not take
    /// is due (held back for its endpoint's limits, waiting for a retry, or leased by a dispatcher whose lease then runs out);
    /// <see langword="null"/> when there is none.
    /// </summary>
    public DateTimeOffset? NextDueAt { get; } = nextDueAt;

    /// <inheritdoc />
    public int Count => deliveries.Count;

    /// <inheritdoc />
    public LeasedDelivery this[int index] => deliveries[index];

    /// <inheritdoc />
    public IEnumerator<LeasedDelivery> GetEnumerator() => deliveries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
