namespace Hookline.Storage;

/// <summary>A message to store; after it is committed, it is fanned out to every enabled endpoint it matches then.</summary>
/// <param name="Id">The message id, <c>msg_...</c>: the <c>webhook-id</c> header.</param>
/// <param name="EventType">The event type: the declared webhook's name.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Tenant">The tenant whose endpoints receive it; <see langword="null"/> for every tenant's.</param>
/// <param name="Payload">The serialized body, sent as is on every attempt.</param>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="IdempotencyKey">A key unique per tenant: a second message with it is not stored.</param>
/// <param name="EndpointId">Only this endpoint receives it (a test event), if it is enabled; <see langword="null"/> for every
/// matching one.</param>
/// <param name="OrderingKey">
/// The sequence it belongs to at ordered endpoints (<see cref="WebhookOrdering"/>); <see langword="null"/> for the sequence of
/// messages published without a key. A store gives each message its place in publish order as it stores it: one stored (and
/// committed) before another was stored comes first.
/// </param>
public sealed record WebhookNewMessage(
    string Id,
    string EventType,
    string Method,
    string? Tenant,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset CreatedAt,
    string? IdempotencyKey = null,
    string? EndpointId = null,
    string? OrderingKey = null);
