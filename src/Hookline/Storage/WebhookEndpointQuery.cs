namespace Hookline.Storage;

/// <summary>Which endpoints to list, newest first (by id, which orders by creation).</summary>
public sealed record WebhookEndpointQuery
{
    /// <summary>The tenant whose endpoints to list; <see langword="null"/> for the endpoints of no tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only endpoints older than this one (the id of the last endpoint of the previous page).</summary>
    public string? Before { get; init; }

    /// <summary>At most this many.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below zero.</exception>
    public int Limit { get; init => field = QueryLimit.NotNegative(value); } = 50;
}
