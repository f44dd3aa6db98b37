namespace Hookline.Storage;

/// <summary>A leased delivery given back unattempted, and when it is due again.</summary>
/// <param name="Id">The delivery.</param>
/// <param name="DueAt">When it is due again.</param>
public sealed record WebhookReleasedDelivery(long Id, DateTimeOffset DueAt);
