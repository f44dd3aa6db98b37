using System.Data.Common;

namespace Hookline;

/// <summary>
/// Publishes declared webhooks: stores each message durably, on its own or in the app's transaction. Once committed, the
/// dispatcher fans it out to every matching endpoint and delivers it.
/// </summary>
public interface IWebhookPublisher
{
    /// <summary>
    /// Serializes <paramref name="payload"/> once, exactly as documented, and stores it before returning: durably on its own
    /// (concurrent publishes share a commit), or through <paramref name="transaction"/>, stored if and only if the app commits
    /// it. After the commit the dispatcher fans the message out to every enabled endpoint then subscribed to
    /// <paramref name="eventType"/>, and delivers it.
    /// </summary>
    /// <typeparam name="TPayload">The payload type; the value must be of the webhook's declared payload type.</typeparam>
    /// <param name="eventType">The event type: the declared webhook's name.</param>
    /// <param name="payload">The body.</param>
    /// <param name="tenant">Whose endpoints receive it; <see langword="null"/> for every tenant's.</param>
    /// <param name="idempotencyKey">A key unique per tenant: publishing it again returns the first message and stores nothing.</param>
    /// <param name="orderingKey">
    /// The sequence the message belongs to, 1 to 256 characters (a customer's or an order's id, say): an endpoint set to ordered
    /// delivery (<see cref="WebhookOrdering"/>) receives the messages of a key one at a time, in the order they were published
    /// (a publish that returned, or whose transaction committed, before another began comes first; messages of a key published at
    /// the same time have no order among them). <see langword="null"/>: the
    /// sequence of messages published without a key. Other endpoints ignore it.
    /// </param>
    /// <param name="method">The HTTP method, needed only when the webhook is declared with several.</param>
    /// <param name="transaction">
    /// The app's open transaction to store the message in, on the store's database: a <c>SqliteTransaction</c> on the
    /// <c>UseSqlite</c> file or an <c>NpgsqlTransaction</c> on the <c>UsePostgreSql</c> database (with Entity Framework Core,
    /// <c>db.Database.CurrentTransaction!.GetDbTransaction()</c>). Hookline neither commits nor rolls it back.
    /// <see langword="null"/> to store the message in a transaction of its own.
    /// </param>
    /// <param name="cancellationToken">Cancels waiting; a message already committed stays stored.</param>
    /// <returns>The message id (the <c>webhook-id</c> header), and whether it repeats an earlier idempotency key.</returns>
    /// <exception cref="WebhookPayloadException">
    /// The payload cannot be published: <see langword="null"/> or not the declared type, not serializable, or over
    /// <see cref="WebhookOptions.MaxPayloadBytes"/> serialized (see <see cref="WebhookPayloadException.Problem"/>). Nothing is stored.
    /// When the payload comes from a request, too large is the caller's to fix (413); the other problems are the app's bugs (500).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A programming error: the webhook is not declared, the method is ambiguous or not declared, or the idempotency or
    /// ordering key is empty or over 256 characters; or the transaction is of a provider the store cannot write through.
    /// </exception>
    /// <exception cref="InvalidOperationException">The transaction is on another database than the store's.</exception>
    Task<WebhookPublishResult> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        string? tenant = null,
        string? idempotencyKey = null,
        string? orderingKey = null,
        string? method = null,
        DbTransaction? transaction = null,
        CancellationToken cancellationToken = default);
}
