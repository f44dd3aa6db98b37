namespace Hookline.Storage;

/// <summary>What one attempt did, and what follows for its delivery and endpoint.</summary>
public sealed record WebhookCompletedAttempt
{
    /// <summary>The delivery attempted.</summary>
    public required long DeliveryId { get; init; }

    /// <summary>The endpoint attempted.</summary>
    public required string EndpointId { get; init; }

    /// <summary>The lease owner; a delivery leased again by someone else is not changed.</summary>
    public required string LeaseOwner { get; init; }

    /// <summary>When the request started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The response status, if a response came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// The first 4 KiB of the response body, as text: bytes that are not UTF-8, and U+0000 (which PostgreSQL's text refuses), are
    /// U+FFFD, so every store keeps it as given.
    /// </summary>
    public string? ResponseBody { get; init; }

    /// <summary>How it failed, if it did.</summary>
    public required WebhookAttemptErrorKind ErrorKind { get; init; }

    /// <summary>The failure's message, if any (without U+0000, like <see cref="ResponseBody"/>).</summary>
    public string? Error { get; init; }

    /// <summary>The delivery's new state.</summary>
    public required WebhookDeliveryStatus Status { get; init; }

    /// <summary>When to retry, for a pending delivery.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Disables the endpoint with this reason (410 Gone, or failing too long).</summary>
    public string? DisableEndpointReason { get; init; }
}
