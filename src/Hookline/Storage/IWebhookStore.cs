namespace Hookline.Storage;

/// <summary>
/// Where messages, endpoints, deliveries and attempts live. Every store passes the same
/// conformance suite. Times are given by the caller (from its <see cref="TimeProvider"/>), never
/// read from the store's clock.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Creates or migrates the schema. Called once at startup.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores messages and a pending delivery (due at once) to every enabled endpoint each one
    /// matches, in one durable transaction: all or nothing.
    /// </summary>
    /// <returns>One result per message, in order.</returns>
    Task<IReadOnlyList<StoredMessage>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken);

    /// <summary>Stores a new endpoint.</summary>
    Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>The endpoint with this id, or <see langword="null"/>.</summary>
    Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken);

    /// <summary>The endpoints of a tenant (or of no tenant), oldest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an endpoint's fields. Disabling it fails its pending deliveries (a recovery
    /// replays them). Returns <see langword="false"/> if it does not exist.
    /// </summary>
    Task<bool> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint with its deliveries and attempts. Returns <see langword="false"/> if it did not exist.</summary>
    Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due deliveries, oldest due first, to <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>. A lease that ends without completion makes the delivery
    /// due again, so a crashed dispatcher loses nothing.
    /// </summary>
    Task<IReadOnlyList<LeasedDelivery>> LeaseAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>Records attempts and applies their outcome to deliveries and endpoints, in one transaction.</summary>
    Task CompleteAsync(IReadOnlyList<AttemptResult> results, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives leased deliveries back unattempted, each due at its own time: on shutdown, or when their endpoint is busy or rate limited.</summary>
    Task ReleaseAsync(string owner, IReadOnlyList<ReleasedDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>Makes the delivery of a message to an endpoint pending and due now (creating it if needed). Returns <see langword="false"/> if the message or endpoint does not exist.</summary>
    Task<bool> ResendAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Makes an endpoint's failed deliveries of messages created since <paramref name="since"/> pending and due now. Returns how many.</summary>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The deliveries of a message.</summary>
    Task<IReadOnlyList<DeliveryState>> ListDeliveriesAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>The attempts at delivering a message, oldest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>The message with this id, or <see langword="null"/>.</summary>
    Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken);

    /// <summary>Messages matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(MessageQuery query, CancellationToken cancellationToken);

    /// <summary>Attempts matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> QueryAttemptsAsync(AttemptQuery query, CancellationToken cancellationToken);

    /// <summary>How many deliveries are pending, and since when the oldest due one has waited.</summary>
    Task<BacklogStats> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes messages created before <paramref name="before"/> that have no pending delivery, with their deliveries and attempts. Returns how many messages.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
