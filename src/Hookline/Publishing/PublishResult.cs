namespace Hookline;

/// <summary>What publishing stored.</summary>
/// <param name="MessageId">The message id, sent as the <c>webhook-id</c> header; for a repeated idempotency key, the first message's.</param>
/// <param name="Deliveries">How many endpoints will receive it (0 for a repeat).</param>
/// <param name="IsRepeat">Whether the idempotency key had been used, so nothing new was stored.</param>
public sealed record PublishResult(string MessageId, int Deliveries, bool IsRepeat);
