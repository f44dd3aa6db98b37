namespace Hookline.Storage;

/// <summary>
/// Appends published messages to the store, each with a delivery to every endpoint it goes to.
/// </summary>
/// <remarks>The publisher uses it, batching concurrent publishes into one call (group commit).</remarks>
public interface IWebhookMessageAppender
{
    /// <summary>
    /// Stores messages and a pending delivery (due at once) to every enabled endpoint each one
    /// matches, in one durable transaction: all or nothing.
    /// </summary>
    /// <returns>One result per message, in order.</returns>
    Task<IReadOnlyList<StoredMessage>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken);
}
