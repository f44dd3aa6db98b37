using Hookline.Storage;

namespace Hookline.Management;

/// <summary>What a read of a polling endpoint's feed found, each message signed as a delivery of it would be.</summary>
/// <param name="Messages">The messages, in feed order, each with its signature headers.</param>
/// <param name="Position">Where the next read starts (the store's position); <see langword="null"/> for the feed's start.</param>
/// <param name="More">Whether more can be read at once.</param>
internal sealed record TenantFeed(
    IReadOnlyList<(WebhookFeedEntry Message, DeliverySignature Signature)> Messages, string? Position, bool More);
