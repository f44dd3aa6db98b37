namespace Hookline;

/// <summary>What publishing stored.</summary>
/// <param name="MessageId">The message id, sent as the <c>webhook-id</c> header; for a repeated idempotency key, the first
/// message's.</param>
/// <param name="IsRepeat">Whether the idempotency key had been used, so nothing new was stored.</param>
/// <remarks>
/// Which endpoints receive the message is decided after it is committed, when the dispatcher fans it out to the endpoints
/// matching then; the message's deliveries are in the log (<c>GET /messages/{id}</c>) from that moment.
/// </remarks>
public sealed record WebhookPublishResult(string MessageId, bool IsRepeat);
