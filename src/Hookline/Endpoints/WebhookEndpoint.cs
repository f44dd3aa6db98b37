namespace Hookline;

/// <summary>
/// A URL a tenant registered to receive webhooks; or a polling endpoint, without one, whose messages the tenant reads from its feed
/// (<see cref="Storage.IWebhookFeedReader"/>) instead of receiving them.
/// </summary>
public sealed record WebhookEndpoint
{
    /// <summary>The id, <c>ep_...</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The tenant that owns the endpoint; <see langword="null"/> for an endpoint of no tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>
    /// The absolute http(s) URL deliveries are POSTed (or PUT, ...) to; <see langword="null"/> for a polling endpoint, which is
    /// never sent anything: fan-out makes no deliveries to it, and its messages are read from its feed.
    /// </summary>
    public required string? Url { get; init; }

    /// <summary>Whether it is a polling endpoint (it has no <see cref="Url"/>): read, not sent to.</summary>
    public bool IsPolling => Url is null;

    /// <summary>A note for the tenant.</summary>
    public string? Description { get; init; }

    /// <summary>The webhook names it receives; <see langword="null"/> for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>
    /// Per webhook name, the filter its payloads must match to be delivered here (docs/filters.md; see
    /// <see cref="Storage.WebhookPayloadFilter"/>); <see langword="null"/> for none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>
    /// At most this many deliveries a second, across every app instance sharing the store; <see langword="null"/> for no limit.
    /// </summary>
    public int? RateLimit { get; init; }

    /// <summary>In what order it receives its deliveries.</summary>
    public WebhookOrdering Ordering { get; init; }

    /// <summary>Whether it receives deliveries.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Why it was disabled, if it was.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>
    /// The signing secrets and keys: the current one of each <see cref="SignatureSchemes">scheme</see>, and those still in their
    /// rotation overlap.
    /// </summary>
    public required IReadOnlyList<WebhookEndpointSecret> Secrets { get; init; }

    /// <summary>The schemes it signs with from now on: those of its current <see cref="Secrets"/> (the ones that do not expire).</summary>
    public IReadOnlyList<WebhookSignatureScheme> SignatureSchemes =>
        [.. Secrets.Where(s => s.ExpiresAt is null).Select(s => s.Scheme).Distinct().Order()];

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The first failure since its last success, if it is failing.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>
    /// Its failed attempts since its latest success, which its circuit breaker follows (<see cref="Storage.WebhookCircuit"/>);
    /// <see langword="null"/> if it was never attempted, or not since it was enabled.
    /// </summary>
    public int? ConsecutiveFailures { get; init; }

    /// <summary>When its latest failed attempt started, if it is failing.</summary>
    public DateTimeOffset? LastFailedAt { get; init; }

    /// <summary>
    /// Counts the endpoint's changes: 1 when created, one more on every write to it (by its owner, or by
    /// delivery marking it failing or disabling it). A write that expects a version it no longer has is
    /// refused, so no change is lost to another made meanwhile.
    /// </summary>
    public long Version { get; init; } = 1;
}
