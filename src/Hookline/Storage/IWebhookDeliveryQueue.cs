namespace Hookline.Storage;

/// <summary>
/// The store's deliveries as a queue: due ones are leased to a dispatcher, sent, and completed with
/// their attempts or released unattempted. Times are given by the caller, never read from the store's clock.
/// </summary>
/// <remarks>
/// The dispatcher expands, leases, completes and releases; the endpoint manager resends and recovers; the backlog
/// metrics and health check read the backlog; retention purges.
/// </remarks>
public interface IWebhookDeliveryQueue
{
    /// <summary>
    /// Fans out up to <paramref name="max"/> committed messages not yet expanded, oldest first, in one transaction: each gets a
    /// pending delivery, due from its creation, to every endpoint it matches now (enabled; of its tenant, or of every tenant for
    /// none; with no event filter, or one naming its webhook; only its target endpoint, if it has one), and is marked expanded.
    /// Each message is expanded once, even by dispatchers expanding at once (on several instances).
    /// </summary>
    /// <returns>How many messages were expanded: fewer than <paramref name="max"/> when no more wait.</returns>
    Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Records <see cref="WebhookLeaseRequest.Completed"/>, then leases up to <see cref="WebhookLeaseRequest.Max"/> due deliveries to
    /// <see cref="WebhookLeaseRequest.Owner"/> until <see cref="WebhookLeaseRequest.LeaseUntil"/>, all in one transaction: it reads the
    /// endpoints that may have due deliveries, longest waiting first, and each one's oldest due deliveries, and takes those
    /// <see cref="WebhookLeaseAdmission"/> admits, so the endpoint limits (<see cref="WebhookLeaseRequest.MaxPerEndpoint"/>, its
    /// rate limit,
    /// its circuit) hold across every dispatcher leasing from the store at once. A due delivery not taken is left as it is:
    /// pending, unattempted, its due time unchanged. A lease that ends without completion makes the delivery due again, so a
    /// crashed dispatcher loses nothing. Every write that makes a delivery pending or due (fan-out, a retry, a resend, a
    /// recovery, a release, a lease running out) makes its endpoint due by then, and a recorded change of an endpoint's health
    /// makes it due at once.
    /// </summary>
    /// <returns>
    /// The deliveries leased: fewer than <see cref="WebhookLeaseRequest.Max"/> when fewer are due, some were held back, or their endpoints
    /// were being leased by another dispatcher at that moment (a store may skip those rather than wait): so an empty result does not
    /// mean nothing is due. With them, <see cref="WebhookLeaseResult.NextDueAt"/>: when the next endpoint is due after the lease.
    /// </returns>
    Task<WebhookLeaseResult> LeaseAsync(WebhookLeaseRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Records attempts and applies their outcome to deliveries and endpoints, in one transaction. Each
    /// change to an endpoint (failing since, no longer failing, disabled) raises its version. An attempt whose delivery is no
    /// longer leased to its <see cref="WebhookCompletedAttempt.LeaseOwner"/> (its lease ran out and another dispatcher took it) is
    /// logged, and changes neither the delivery nor its endpoint: the newer lease's outcome wins. An attempt whose delivery is
    /// gone (its endpoint was deleted meanwhile) is dropped, and the rest of the batch is recorded. The outcomes apply
    /// whatever their order in the batch: the deliveries first, then each endpoint's health, then disabling.
    /// </summary>
    Task CompleteAsync(IReadOnlyList<WebhookCompletedAttempt> results, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Gives leased deliveries back unattempted, each due at its own time: those whose attempts shutdown cancelled.
    /// </summary>
    Task ReleaseAsync(string owner, IReadOnlyList<WebhookReleasedDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the delivery of a message to an enabled endpoint pending and due now, with a fresh schedule (creating it if needed),
    /// unless it is being attempted right now: a delivery leased until after <paramref name="now"/> is left as it is, so a resend
    /// never makes a second concurrent send of it.
    /// </summary>
    Task<WebhookResendOutcome> ResendAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up on a <see cref="WebhookDeliveryStatus.Blocked"/> delivery: it becomes <see cref="WebhookDeliveryStatus.Failed"/>, and its
    /// endpoint due at <paramref name="now"/>, so that the next delivery of its ordering key goes.
    /// </summary>
    /// <param name="messageId">The delivery's message.</param>
    /// <param name="endpointId">The delivery's endpoint.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the delivery existed and was blocked; nothing changes otherwise.</returns>
    Task<bool> SkipAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Makes an endpoint's failed and blocked deliveries of messages created since <paramref name="since"/> pending and
    /// due now. Returns how many.
    /// </summary>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// How many deliveries are pending, plus the messages waiting to be expanded (one each), and since when the oldest due one has
    /// waited (a message waiting to be expanded is due since its creation).
    /// </summary>
    Task<WebhookBacklog> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes messages created before <paramref name="before"/> that are expanded and have no pending delivery, with their
    /// deliveries and attempts. Returns how many messages.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
