namespace Hookline.Storage;

/// <summary>Which deliveries to list: those of some messages to one tenant's endpoints.</summary>
public sealed record WebhookDeliveryQuery
{
    /// <summary>Only deliveries to this tenant's endpoints.</summary>
    public required string Tenant { get; init; }

    /// <summary>Only deliveries of these messages (a page of them: one query answers for all).</summary>
    public required IReadOnlyList<string> MessageIds { get; init; }
}
