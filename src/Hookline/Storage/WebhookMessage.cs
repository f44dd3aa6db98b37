namespace Hookline.Storage;

/// <summary>A stored message: what was published, as it is sent.</summary>
/// <param name="Id">The message id, <c>msg_...</c>: the <c>webhook-id</c> header.</param>
/// <param name="EventType">The event type: the declared webhook's name.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Tenant">The tenant it was published for; <see langword="null"/> for every tenant.</param>
/// <param name="Payload">The serialized body.</param>
/// <param name="CreatedAt">When it was published.</param>
public sealed record WebhookMessage(
    string Id, string EventType, string Method, string? Tenant, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt);
