using System.Data.Common;
using System.Text.Json;
using Hookline.Storage;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Checks a publish against the catalog, serializes the payload once, and stores it through the group-commit batcher, or in the
/// app's transaction.
/// </summary>
internal sealed class WebhookPublisher(
    WebhookCatalog catalog,
    IWebhookMessageAppender messages,
    DispatchSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider time) : IWebhookPublisher
{
    private readonly GroupCommit<WebhookNewMessage, WebhookPublishResult> _appends =
        new(batch => messages.AppendAsync(batch, CancellationToken.None));

    public async Task<WebhookPublishResult> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        string? tenant = null,
        string? idempotencyKey = null,
        string? orderingKey = null,
        string? method = null,
        DbTransaction? transaction = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var definition = Find(eventType, method);
        if (payload is null || !definition.PayloadType.IsInstanceOfType(payload))
        {
            throw new WebhookPayloadException(
                definition.Name,
                WebhookPayloadProblem.WrongType,
                $"Webhook '{eventType}' is declared with payload type '{definition.PayloadType}'; "
                + $"it cannot send {(payload is null ? "null" : $"a '{payload.GetType()}'")}.");
        }

        if (idempotencyKey is { Length: 0 or > 256 })
        {
            throw new ArgumentException("An idempotency key is 1 to 256 characters long.", nameof(idempotencyKey));
        }

        if (orderingKey is { Length: 0 or > 256 })
        {
            throw new ArgumentException("An ordering key is 1 to 256 characters long.", nameof(orderingKey));
        }

        StorableText.Require(tenant, "A tenant", nameof(tenant));
        StorableText.Require(idempotencyKey, "An idempotency key", nameof(idempotencyKey));
        StorableText.Require(orderingKey, "An ordering key", nameof(orderingKey));

        // Serialized once, with the declared type and the options that shaped the OpenAPI schema: these bytes are signed and sent
        // on every attempt.
        byte[] body;
        try
        {
            body = JsonSerializer.SerializeToUtf8Bytes(payload, definition.PayloadType, catalog.SerializerOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // The value, not the type, is at fault (a cycle, too deep, an object-typed member holding something unsupported):
            // the type was checked when it was declared.
            throw new WebhookPayloadException(
                definition.Name,
                WebhookPayloadProblem.NotSerializable,
                $"Webhook '{eventType}': the payload cannot be serialized as JSON: {e.Message}",
                innerException: e);
        }

        var limit = options.Value.MaxPayloadBytes;
        if (body.Length > limit)
        {
            throw new WebhookPayloadException(
                definition.Name,
                WebhookPayloadProblem.TooLarge,
                $"Webhook '{eventType}': the payload is {body.Length} bytes serialized, over the {limit}-byte limit "
                + "(WebhookOptions.MaxPayloadBytes). Send less, e.g. an id the receiver can fetch.",
                body.Length,
                limit);
        }

        var now = time.GetUtcNow();
        var message = new WebhookNewMessage(
            WebhookIds.NewMessageId(now), definition.Name, definition.Method, tenant, body, now, idempotencyKey, OrderingKey: orderingKey);
        if (transaction is null)
        {
            return await StoreAsync(message, cancellationToken).ConfigureAwait(false);
        }

        // Not group-committed: the message is the app's to commit or roll back, with the rest of its transaction.
        var stored = await messages.AppendAsync(message, transaction, cancellationToken).ConfigureAwait(false);
        if (!stored.IsRepeat)
        {
            // Not committed yet. On SQLite the dispatcher's expansion waits for the app's write lock, so it runs as the app
            // commits; on PostgreSQL it does not see the message until then, and the store's listener wakes it again when the
            // commit's notification arrives (a store without one leaves it to the next poll).
            signal.Notify();
        }

        return new WebhookPublishResult(stored.MessageId, stored.IsRepeat);
    }

    /// <summary>Sends an event type's example payload (valid against its documented schema) to one endpoint: a test event.</summary>
    public Task<WebhookPublishResult> PublishExampleAsync(
        WebhookEventType type, string tenant, string endpointId, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(type.Example, catalog.SerializerOptions);
        var now = time.GetUtcNow();
        return StoreAsync(
            new WebhookNewMessage(WebhookIds.NewMessageId(now), type.Name, type.Method, tenant, body, now, EndpointId: endpointId),
            cancellationToken);
    }

    private async Task<WebhookPublishResult> StoreAsync(WebhookNewMessage message, CancellationToken cancellationToken)
    {
        var stored = await _appends.AddAsync(message, cancellationToken).ConfigureAwait(false);
        if (!stored.IsRepeat)
        {
            // Committed: the local dispatcher fans it out and delivers it now, not at its next poll.
            signal.Notify();
        }

        return new WebhookPublishResult(stored.MessageId, stored.IsRepeat);
    }

    private WebhookDefinition Find(string eventType, string? method)
    {
        var matches = catalog.Find(eventType);
        if (matches.Count == 0)
        {
            var known = string.Join(", ", catalog.Names.Select(n => $"'{n}'"));
            throw new ArgumentException(
                $"No webhook named '{eventType}' is declared. "
                + $"Declare it with app.Webhooks.MapPost<T>(\"{eventType}\"){(known.Length > 0 ? $"; declared: {known}" : "")}.",
                nameof(eventType));
        }

        if (method is not null)
        {
            return matches.FirstOrDefault(d => string.Equals(d.Method, method, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException(
                    $"Webhook '{eventType}' is not declared for {method}; it is for {string.Join(", ", matches.Select(d => d.Method))}.",
                    nameof(method));
        }

        return matches.Count == 1
            ? matches[0]
            : throw new ArgumentException(
                $"Webhook '{eventType}' is declared for {string.Join(", ", matches.Select(d => d.Method))}; "
                + "say which with the method argument.",
                nameof(method));
    }
}
