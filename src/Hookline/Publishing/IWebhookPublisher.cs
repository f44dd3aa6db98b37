namespace Hookline;

/// <summary>Publishes declared webhooks: stores each message durably, with a delivery to every matching endpoint.</summary>
public interface IWebhookPublisher
{
    /// <summary>
    /// Serializes <paramref name="payload"/> once, exactly as documented, and stores it with one
    /// delivery per enabled endpoint subscribed to <paramref name="webhook"/>, before returning.
    /// </summary>
    /// <typeparam name="TPayload">The payload type; the value must be of the webhook's declared payload type.</typeparam>
    /// <param name="webhook">The declared webhook name.</param>
    /// <param name="payload">The body.</param>
    /// <param name="tenant">Whose endpoints receive it; <see langword="null"/> for every tenant's.</param>
    /// <param name="idempotencyKey">A key unique per tenant: publishing it again returns the first message and stores nothing.</param>
    /// <param name="method">The HTTP method, needed only when the webhook is declared with several.</param>
    /// <param name="cancellationToken">Cancels waiting; a message already committed stays stored.</param>
    /// <returns>The message id (the <c>webhook-id</c> header) and how many deliveries were created.</returns>
    /// <exception cref="WebhookPayloadException">
    /// The payload cannot be published: <see langword="null"/> or not the declared type, not serializable, or over
    /// <see cref="WebhookOptions.MaxPayloadBytes"/> serialized (see <see cref="WebhookPayloadException.Problem"/>). Nothing is stored.
    /// When the payload comes from a request, answer with a 4xx (413 for too large).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A programming error: the webhook is not declared, the method is ambiguous or not declared, or the idempotency key is
    /// empty or over 256 characters.
    /// </exception>
    Task<PublishResult> PublishAsync<TPayload>(string webhook, TPayload payload, string? tenant = null, string? idempotencyKey = null, string? method = null, CancellationToken cancellationToken = default);
}
