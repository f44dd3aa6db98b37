namespace Hookline.Storage;

/// <summary>Which attempts to list, newest first. Every filter left <see langword="null"/> matches all.</summary>
public sealed record WebhookAttemptQuery
{
    /// <summary>Only attempts at this tenant's endpoints; <see langword="null"/> for every endpoint's.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only attempts at this endpoint.</summary>
    public string? EndpointId { get; init; }

    /// <summary>Only attempts at delivering this message.</summary>
    public string? MessageId { get; init; }

    /// <summary>Only attempts of this event type.</summary>
    public string? EventType { get; init; }

    /// <summary>Only attempts that succeeded (<see langword="true"/>) or failed (<see langword="false"/>).</summary>
    public bool? Succeeded { get; init; }

    /// <summary>Only attempts started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only attempts started before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only attempts older than this one (the id of the last attempt of the previous page).</summary>
    public long? Before { get; init; }

    /// <summary>At most this many.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below zero.</exception>
    public int Limit { get; init => field = QueryLimit.NotNegative(value); } = 50;
}
