namespace Hookline.Storage;

/// <summary>The outcome of appending a message.</summary>
/// <param name="MessageId">The stored message's id: the new one, or for a repeated idempotency key, the first one's.</param>
/// <param name="IsRepeat">Whether the idempotency key was already used, so nothing was stored.</param>
public sealed record StoredMessage(string MessageId, bool IsRepeat);
