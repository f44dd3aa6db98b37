namespace Hookline.Storage;

/// <summary>
/// An endpoint that a lease may take deliveries for, as the store holds it at the lease (<see cref="WebhookLeaseAdmission"/>).
/// </summary>
/// <param name="Id">The endpoint.</param>
/// <param name="Tenant">Its tenant; <see langword="null"/> for none.</param>
/// <param name="Leased">How many of its deliveries are leased now (leases not yet run out), by any dispatcher.</param>
public sealed record WebhookLeaseEndpoint(string Id, string? Tenant, int Leased)
{
    /// <summary>When it is due, as the store holds it: when it may next have a delivery a lease can take.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Its rate limit, in sends a second; <see langword="null"/> for none.</summary>
    public int? RateLimit { get; init; }

    /// <summary>
    /// Whether it receives its deliveries in order (<see cref="WebhookOrdering"/>): then the store tells only the due heads of its
    /// ordering keys (<see cref="WebhookLeaseAdmission.AddDue"/>), each key's oldest in publish order, when none of its key is in flight.
    /// </summary>
    public bool Ordered { get; init; }

    /// <summary>
    /// When a rate-limited endpoint may take its next send, as the last lease stored it; <see langword="null"/> for at once.
    /// </summary>
    public DateTimeOffset? NextSendAt { get; init; }

    /// <summary>Its failed attempts since its latest success; <see langword="null"/> if it was never attempted.</summary>
    public int? ConsecutiveFailures { get; init; }

    /// <summary>When its first failed attempt since its latest success started.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>When its latest failed attempt started.</summary>
    public DateTimeOffset? LastFailedAt { get; init; }
}
