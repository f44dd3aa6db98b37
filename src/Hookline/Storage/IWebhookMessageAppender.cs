using System.Data.Common;

namespace Hookline.Storage;

/// <summary>
/// Appends published messages to the store. Appending writes the message only (never reading or locking endpoints):
/// the dispatcher fans committed messages out to their endpoints afterwards (<see cref="IWebhookDeliveryQueue.ExpandAsync"/>).
/// </summary>
/// <remarks>
/// The publisher uses it, batching concurrent publishes into one call (group commit), or appending one message in the
/// app's own transaction.
/// </remarks>
public interface IWebhookMessageAppender
{
    /// <summary>Stores messages, not yet expanded into deliveries, in one durable transaction: all or nothing.</summary>
    /// <returns>One result per message, in order.</returns>
    Task<IReadOnlyList<WebhookPublishResult>> AppendAsync(IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a message, not yet expanded into deliveries, through the app's own <paramref name="transaction"/>: it is
    /// stored if and only if the app commits it. The store neither commits nor rolls it back.
    /// </summary>
    /// <exception cref="ArgumentException">The transaction is of a database provider this store cannot write through.</exception>
    /// <exception cref="InvalidOperationException">The transaction is on another database than the store's.</exception>
    Task<WebhookPublishResult> AppendAsync(WebhookNewMessage message, DbTransaction transaction, CancellationToken cancellationToken);
}
