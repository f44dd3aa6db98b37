namespace Hookline.Storage;

/// <summary>Which attempts to count, hour by hour: those at one tenant's endpoints since a time.</summary>
public sealed record WebhookAttemptStatsQuery
{
    /// <summary>Only attempts at this tenant's endpoints.</summary>
    public required string Tenant { get; init; }

    /// <summary>
    /// Only attempts at this endpoint (of the <see cref="Tenant"/>); <see langword="null"/> for every one of its endpoints.
    /// </summary>
    public string? EndpointId { get; init; }

    /// <summary>Only hours starting at or after this time (the start of an hour, in UTC).</summary>
    public required DateTimeOffset Since { get; init; }
}
