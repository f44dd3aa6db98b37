namespace Hookline.Storage;

/// <summary>A due delivery, leased to one dispatcher until the lease expires.</summary>
public sealed record WebhookLeasedDelivery
{
    /// <summary>The delivery id.</summary>
    public required long Id { get; init; }

    /// <summary>
    /// The attempts made since it was last scheduled from the start (published, resent or recovered): where its retry schedule
    /// stands. The log may list more (see <see cref="WebhookDelivery.Attempts"/>).
    /// </summary>
    public required int Attempts { get; init; }

    /// <summary>The message id: the <c>webhook-id</c> header.</summary>
    public required string MessageId { get; init; }

    /// <summary>The event type: the declared webhook's name.</summary>
    public required string EventType { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The body, as serialized at publish time.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The endpoint it goes to.</summary>
    public required string EndpointId { get; init; }

    /// <summary>The endpoint's tenant; <see langword="null"/> for none.</summary>
    public string? Tenant { get; init; }

    /// <summary>The endpoint's URL.</summary>
    public required string Url { get; init; }

    /// <summary>The endpoint's secrets, as the store keeps them (encrypted): the sender decrypts them as it signs.</summary>
    public required IReadOnlyList<WebhookEndpointSecret> Secrets { get; init; }

    /// <summary>The endpoint's first failure since its last success.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>In what order its endpoint receives deliveries: what becomes of it when its retries run out.</summary>
    public WebhookOrdering Ordering { get; init; }
}
