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

    /// <summary>Stores a new endpoint, at its <see cref="WebhookEndpoint.Version"/>.</summary>
    Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>The endpoint with this id, or <see langword="null"/>.</summary>
    Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken);

    /// <summary>The endpoints of a tenant (or of no tenant), oldest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken);

    /// <summary>A page of a tenant's endpoints matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(EndpointQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set: replaces an endpoint's fields only if its stored version is still
    /// <paramref name="endpoint"/>'s <see cref="WebhookEndpoint.Version"/>, and stores the version one
    /// higher. Disabling it fails its pending deliveries (a recovery replays them).
    /// </summary>
    Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an endpoint with its deliveries and attempts: whatever its version when
    /// <paramref name="version"/> is <see langword="null"/>, else only at that version.
    /// </summary>
    Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="max"/> due deliveries, oldest due first, to <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>. A lease that ends without completion makes the delivery
    /// due again, so a crashed dispatcher loses nothing.
    /// </summary>
    Task<IReadOnlyList<LeasedDelivery>> LeaseAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Records attempts and applies their outcome to deliveries and endpoints, in one transaction. Each
    /// change to an endpoint (failing since, no longer failing, disabled) raises its version.
    /// </summary>
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
