using System.Globalization;
using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Sqlite;

/// <summary>
/// Polling endpoints' feeds (<see cref="IWebhookFeedReader"/>), in seq order: SQLite has one writer at a time, and each message
/// takes the next seq (<c>message_seq</c>) in its write transaction, so seq order is commit order and a reader past a message has
/// seen every one before it. A position is a seq, as text.
/// </summary>
internal sealed partial class SqliteWebhookStore : IWebhookFeedReader
{
    public async Task<WebhookFeedResult> ReadFeedAsync(WebhookFeedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var endpoint = query.Endpoint;
        var after = query.After is null ? long.MinValue : ParsePosition(query.After);
        var types = endpoint.EventTypes is { } names ? JsonSerializer.Serialize([.. names], SqliteJsonContext.Default.ListString) : null;
        var rows = await ReadAsync(
            FeedSql(endpoint.Tenant is not null),
            reader => (
                Seq: reader.GetInt64(0),
                Matches: reader.GetInt64(1) != 0,
                Taken: reader.GetInt64(2) != 0,
                Message: reader.IsDBNull(8)
                    ? null
                    : new WebhookMessage(
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.GetString(5),
                        NullableText(reader, 6),
                        (byte[])reader.GetValue(8),
                        FromUnix(reader.GetInt64(7)))),
            cancellationToken,
            ("$tenant", endpoint.Tenant),
            ("$after", after),
            ("$scan", query.Scan),
            ("$limit", query.Limit),
            ("$since", ToUnix(endpoint.CreatedAt)),
            ("$endpoint", endpoint.Id),
            ("$types", types))
            .ConfigureAwait(false);

        var messages = new List<WebhookFeedEntry>();
        var position = query.After;
        var more = rows.Count == query.Scan;
        foreach (var row in rows)
        {
            if (row.Matches && !row.Taken)
            {
                more = true; // Past the limit: the next read starts here.
                break;
            }

            position = row.Seq.ToString(CultureInfo.InvariantCulture);
            if (row.Message is { } message)
            {
                messages.Add(new WebhookFeedEntry(message, position));
            }
        }

        return new WebhookFeedResult(messages, position, more);
    }

    private static long ParsePosition(string position) =>
        long.TryParse(position, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seq)
        && seq.ToString(CultureInfo.InvariantCulture) == position
            ? seq
            : throw new FormatException($"'{position}' is not a position in a feed of this store.");

    /// <summary>
    /// The feed's next messages: the tenant's own and those of every tenant, each by the (tenant, seq) index from the position on
    /// and at most a scan of them, merged in seq order; whether each matches the endpoint, and the running count of those that do,
    /// so that the payloads read are only those of the matches within the limit.
    /// </summary>
    internal static string FeedSql(bool tenant)
    {
        const string Scan =
            """
            SELECT m.seq, m.id,
                   m.created_at >= $since
                   AND (m.target_endpoint_id IS NULL OR m.target_endpoint_id = $endpoint)
                   AND ($types IS NULL OR m.webhook IN (SELECT value FROM json_each($types))) AS matches
            FROM messages m
            """;
        var scanned = tenant
            ? $"""
               SELECT * FROM ({Scan} WHERE m.tenant = $tenant AND m.seq > $after ORDER BY m.seq LIMIT $scan)
               UNION ALL
               SELECT * FROM ({Scan} WHERE m.tenant IS NULL AND m.seq > $after ORDER BY m.seq LIMIT $scan)
               ORDER BY seq LIMIT $scan
               """
            : $"{Scan} WHERE m.tenant IS NULL AND m.seq > $after ORDER BY m.seq LIMIT $scan";
        return $"""
            WITH scanned AS ({scanned}),
            counted AS (SELECT seq, id, matches, sum(matches) OVER (ORDER BY seq) AS n FROM scanned)
            SELECT c.seq, c.matches, c.matches AND c.n <= $limit, m.id, m.webhook, m.method, m.tenant, m.created_at,
                   CASE WHEN c.matches AND c.n <= $limit THEN m.payload END
            FROM counted c JOIN messages m ON m.id = c.id
            ORDER BY c.seq;
            """;
    }
}
