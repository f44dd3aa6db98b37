namespace Hookline.Storage;

/// <summary>
/// What a dispatcher asks of <see cref="IWebhookDeliveryQueue.LeaseAsync"/>: who leases, when, for how long, how many, how to
/// share them, and which of its attempts to record first.
/// </summary>
/// <param name="Owner">The dispatcher leasing: it completes or releases the deliveries as this owner.</param>
/// <param name="Now">The time of the lease: deliveries due by then may be leased.</param>
/// <param name="LeaseUntil">When the lease ends: a delivery not completed by then is due again.</param>
/// <param name="Max">How many deliveries at most, across all endpoints.</param>
public sealed record WebhookLeaseRequest(string Owner, DateTimeOffset Now, DateTimeOffset LeaseUntil, int Max)
{
    /// <summary>
    /// How many deliveries to one endpoint whose circuit is closed may be leased at once, by every dispatcher sharing the store
    /// together, this lease's included. A lease that has run out no longer counts.
    /// </summary>
    /// <value><see cref="int.MaxValue"/>: no limit.</value>
    public int MaxPerEndpoint { get; init; } = int.MaxValue;

    /// <summary>How many deliveries of one tenant's endpoints the dispatcher may have at once, <see cref="InFlight"/> included.</summary>
    /// <value><see cref="int.MaxValue"/>: no limit.</value>
    public int MaxPerTenant { get; init; } = int.MaxValue;

    /// <summary>
    /// How many deliveries the dispatcher is attempting now, per tenant of their endpoints (the endpoints of no tenant under the
    /// empty string): the lease gives its slots first to the tenants that hold the fewest.
    /// </summary>
    /// <value>None.</value>
    public IReadOnlyDictionary<string, int> InFlight { get; init; } = new Dictionary<string, int>();

    /// <summary>The circuit breaker every endpoint has.</summary>
    /// <value>The defaults of <see cref="WebhookCircuitBreakerOptions"/>.</value>
    public WebhookCircuitBreakerOptions CircuitBreaker { get; init; } = new();

    /// <summary>
    /// Attempts the dispatcher finished since its last lease, recorded first, in the lease's transaction, exactly as
    /// <see cref="IWebhookDeliveryQueue.CompleteAsync"/> records them (at <see cref="Now"/>): the lease sees them done, and a
    /// busy dispatcher pays one transaction for the attempts it finished and the deliveries it takes next.
    /// </summary>
    /// <value>None.</value>
    public IReadOnlyList<WebhookCompletedAttempt> Completed { get; init; } = [];
}
