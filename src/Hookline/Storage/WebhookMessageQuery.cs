namespace Hookline.Storage;

/// <summary>Which messages to list, newest first. Every filter left <see langword="null"/> matches all.</summary>
public sealed record WebhookMessageQuery
{
    /// <summary>
    /// Only messages this tenant can see: published for it, or delivered to one of its endpoints.
    /// <see langword="null"/> for every message.
    /// </summary>
    public string? Tenant { get; init; }

    /// <summary>Only the message with this id.</summary>
    public string? Id { get; init; }

    /// <summary>Only messages of this event type.</summary>
    public string? EventType { get; init; }

    /// <summary>Only messages with a delivery to this endpoint.</summary>
    public string? EndpointId { get; init; }

    /// <summary>
    /// Only messages with a delivery in this state (to the <see cref="EndpointId"/> or to one of the <see cref="Tenant"/>'s
    /// endpoints, if given).
    /// </summary>
    public WebhookDeliveryStatus? Status { get; init; }

    /// <summary>Only messages published at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only messages published before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only messages older than this one (the id of the last message of the previous page).</summary>
    public string? Before { get; init; }

    /// <summary>At most this many.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below zero.</exception>
    public int Limit { get; init => field = QueryLimit.NotNegative(value); } = 50;
}
