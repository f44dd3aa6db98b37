namespace Hookline.Storage;

/// <summary>
/// Reads a polling endpoint's feed: the messages it matches, in an order that a reader holding only a position (the consumer's
/// cursor) walks without ever skipping one, however messages commit.
/// </summary>
/// <remarks>
/// The management API uses it (<c>GET /endpoints/{id}/feed</c>). The order is the store's own: a message is placed after every
/// message that a read could have returned before it was readable. A store whose transactions commit one at a time in the order
/// they write (SQLite) orders by the place each message is given as it is written; one whose transactions write at once (PostgreSQL)
/// must not let a message that commits late take a place before a position already read past (it orders by the writing
/// transaction first, and reads only what every transaction still running will commit after).
/// </remarks>
public interface IWebhookFeedReader
{
    /// <summary>
    /// The messages of <see cref="WebhookFeedQuery.Endpoint"/>'s feed after <see cref="WebhookFeedQuery.After"/>, in feed order: at most
    /// <see cref="WebhookFeedQuery.Limit"/> of them, read from at most <see cref="WebhookFeedQuery.Scan"/> messages looked at. A
    /// message is in an
    /// endpoint's feed when it is of the endpoint's tenant or of every tenant (an endpoint of no tenant: of no tenant only), was
    /// published at or after the endpoint's creation, has no target endpoint or this one (a test event), and is of one of the
    /// endpoint's event types (all, without a filter); the endpoint as given is what is matched, whatever the store holds. Its
    /// payload filters (<see cref="WebhookEndpoint.Filters"/>) are not the store's to apply: Hookline applies them to the page.
    /// </summary>
    /// <returns>
    /// The page: its messages, each with its position; the position read up to (past the messages looked at that do not match,
    /// so a filter that matches few never makes the next read look at them again); and whether more can be read at once.
    /// </returns>
    /// <exception cref="FormatException"><see cref="WebhookFeedQuery.After"/> is not a position this store gives out.</exception>
    Task<WebhookFeedResult> ReadFeedAsync(WebhookFeedQuery query, CancellationToken cancellationToken);
}
