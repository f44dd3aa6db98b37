namespace Hookline;

/// <summary>
/// What the owner of an endpoint sets: where deliveries go (or that its messages are read instead) and which webhooks they carry.
/// </summary>
public sealed record WebhookEndpointSettings
{
    /// <summary>
    /// The absolute http(s) URL to deliver to, without credentials or a fragment; at most 2,048 characters. None for a
    /// <see cref="Polling"/> endpoint.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>
    /// Whether it is a polling endpoint: one without a URL, never sent anything, whose messages its owner reads from its feed
    /// (the management API's <c>GET /endpoints/{id}/feed</c>), signed as a delivery is. It has no rate limit and no ordering
    /// (its feed is in commit order), and stays a polling endpoint: an endpoint does not change between the two kinds.
    /// </summary>
    public bool Polling { get; init; }

    /// <summary>A note for the owner; at most 1,024 characters.</summary>
    public string? Description { get; init; }

    /// <summary>The declared webhook names to receive; <see langword="null"/> for all of them.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>
    /// Per declared webhook name, a filter its payloads must match to be delivered to the endpoint, such as
    /// <c>plan == "pro" and amount &gt;= 100</c> (docs/filters.md); checked against the webhook's payload schema.
    /// <see langword="null"/>, or a webhook left out, for every payload.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>
    /// At most this many deliveries a second, across every app instance sharing the store, 1 to 10,000; <see langword="null"/>
    /// for no limit.
    /// </summary>
    public int? RateLimit { get; init; }

    /// <summary>
    /// How its deliveries are signed: <see cref="WebhookSignatureScheme.V1"/> (a <c>whsec_</c> secret),
    /// <see cref="WebhookSignatureScheme.V1a"/> (a <c>whsk_</c> signing key, verified with its <c>whpk_</c> public key), or both
    /// while receivers move from one to the
    /// other; <see langword="null"/> for <see cref="WebhookSignatureScheme.V1"/>. A scheme dropped keeps signing for a day
    /// (as a rotated secret does), so receivers still verifying with it have time to move.
    /// </summary>
    public IReadOnlyList<WebhookSignatureScheme>? SignatureSchemes { get; init; }

    /// <summary>In what order the endpoint receives its deliveries; <see cref="WebhookOrdering.None"/> (the fastest) by default.</summary>
    public WebhookOrdering Ordering { get; init; }
}
