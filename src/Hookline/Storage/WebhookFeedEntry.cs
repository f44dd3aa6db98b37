namespace Hookline.Storage;

/// <summary>A message of a polling endpoint's feed, with its place in it.</summary>
/// <param name="Message">The message, its payload as stored: the bytes a delivery sends.</param>
/// <param name="Position">Its place: a read after it (<see cref="WebhookFeedQuery.After"/>) starts with the next message.</param>
public sealed record WebhookFeedEntry(WebhookMessage Message, string Position);
