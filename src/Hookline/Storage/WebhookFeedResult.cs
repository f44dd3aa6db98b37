namespace Hookline.Storage;

/// <summary>What one read of a polling endpoint's feed found.</summary>
/// <param name="Messages">The messages, in feed order.</param>
/// <param name="Position">
/// Where the next read starts (its <see cref="WebhookFeedQuery.After"/>): after the last message returned, or further on, past messages
/// looked at that the endpoint does not match; the read's own <see cref="WebhookFeedQuery.After"/> when nothing was read.
/// </param>
/// <param name="More">
/// Whether the read stopped at its <see cref="WebhookFeedQuery.Limit"/> or <see cref="WebhookFeedQuery.Scan"/>, so more may be
/// read now; when
/// <see langword="false"/> it read everything readable at the time.
/// </param>
public sealed record WebhookFeedResult(IReadOnlyList<WebhookFeedEntry> Messages, string? Position, bool More);
