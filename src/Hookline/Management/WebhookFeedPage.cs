namespace Hookline.Management;

/// <summary>A page of a polling endpoint's feed, oldest first.</summary>
/// <param name="Data">The messages, in the feed's order: each once per walk of the feed, after every message before it.</param>
/// <param name="NextCursor">
/// Pass as <c>cursor</c> to read on after this page (keep it once you have handled the page's messages: a read from an older
/// cursor gets them again). Always set, and opaque; it stays the same when nothing was read.
/// </param>
/// <param name="More">
/// Whether more can be read at once (the page was full, or was cut short looking at messages the endpoint does not take): read
/// again without waiting. False when the feed is read to its end.
/// </param>
public sealed record WebhookFeedPage(IReadOnlyList<WebhookFeedItem> Data, string NextCursor, bool More);
