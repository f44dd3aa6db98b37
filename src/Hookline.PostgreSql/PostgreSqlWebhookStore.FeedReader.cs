using System.Globalization;
using Hookline.Storage;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

/// <summary>
/// Polling endpoints' feeds (<see cref="IWebhookFeedReader"/>). Transactions insert messages at once and commit in any order, and
/// seq is drawn at insert, so seq order is not commit order: a reader could pass a message that a slower transaction commits later.
/// The feed orders by (tx, seq), tx being the inserting transaction's id, and reads only messages whose tx is below the snapshot's
/// xmin: every transaction below it has ended, so nothing can ever appear before a position once read past. A position is
/// <c>{tx}.{seq}</c>.
/// </summary>
internal sealed partial class PostgreSqlWebhookStore : IWebhookFeedReader
{
    public async Task<WebhookFeedResult> ReadFeedAsync(WebhookFeedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var endpoint = query.Endpoint;
        var (tx, seq) = query.After is null ? (0L, long.MinValue) : ParsePosition(query.After);
        var rows = await ReadAsync(
            FeedSql(endpoint.Tenant is not null),
            reader => (
                Tx: reader.GetString(0),
                Seq: reader.GetInt64(1),
                Matches: reader.GetBoolean(2),
                Taken: reader.GetBoolean(3),
                Message: reader.IsDBNull(9)
                    ? null
                    : new WebhookMessage(
                        reader.GetString(4),
                        reader.GetString(5),
                        reader.GetString(6),
                        NullableText(reader, 7),
                        reader.GetFieldValue<byte[]>(9),
                        reader.GetFieldValue<DateTimeOffset>(8))),
            cancellationToken,
            Text("tenant", endpoint.Tenant),
            Text("tx", tx.ToString(CultureInfo.InvariantCulture)),
            Bigint("seq", seq),
            Integer("scan", query.Scan),
            Integer("limit", query.Limit),
            Time("since", endpoint.CreatedAt),
            Text("endpoint", endpoint.Id),
            Parameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text, endpoint.EventTypes?.ToArray())).ConfigureAwait(false);

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

            position = string.Create(CultureInfo.InvariantCulture, $"{row.Tx}.{row.Seq}");
            if (row.Message is { } message)
            {
                messages.Add(new WebhookFeedEntry(message, position));
            }
        }

        return new WebhookFeedResult(messages, position, more);
    }

    private static (long Tx, long Seq) ParsePosition(string position)
    {
        var dot = position.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0
            && long.TryParse(position.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            && long.TryParse(position.AsSpan(dot + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seq)
            && string.Create(CultureInfo.InvariantCulture, $"{tx}.{seq}") == position)
        {
            return (tx, seq);
        }

        throw new FormatException($"'{position}' is not a position in a feed of this store.");
    }

    /// <summary>
    /// The feed's next messages: the tenant's own and those of every tenant, each by the (tenant, tx, seq) index from the position
    /// on, below the snapshot's xmin, at most a scan of them, merged in (tx, seq) order; whether each matches the endpoint, and the
    /// running count of those that do, so that the payloads read are only those of the matches within the limit. Each side is
    /// ordered as the index is, tenant first: PostgreSQL takes <c>tenant IS NULL</c> for no equality, and would otherwise read
    /// every row after the position and sort them rather than stop at the scan.
    /// </summary>
    internal static string FeedSql(bool tenant)
    {
        const string Scan =
            """
            SELECT m.tx, m.seq, m.id,
                   m.created_at >= @since
                   AND (m.target_endpoint_id IS NULL OR m.target_endpoint_id = @endpoint)
                   AND (@types::text[] IS NULL OR m.webhook = ANY (@types)) AS matches
            FROM {schema}.messages m
            """;
        const string After = "(m.tx, m.seq) > (@tx::xid8, @seq) AND m.tx < pg_snapshot_xmin(pg_current_snapshot())";
        var scanned = tenant
            ? $"""
               ({Scan} WHERE m.tenant = @tenant AND {After} ORDER BY m.tenant, m.tx, m.seq LIMIT @scan)
               UNION ALL
               ({Scan} WHERE m.tenant IS NULL AND {After} ORDER BY m.tenant, m.tx, m.seq LIMIT @scan)
               ORDER BY tx, seq LIMIT @scan
               """
            : $"{Scan} WHERE m.tenant IS NULL AND {After} ORDER BY m.tenant, m.tx, m.seq LIMIT @scan";
        return $$"""
            WITH scanned AS ({{scanned}}),
            counted AS (SELECT tx, seq, id, matches, count(*) FILTER (WHERE matches) OVER (ORDER BY tx, seq) AS n FROM scanned)
            SELECT c.tx::text, c.seq, c.matches, c.matches AND c.n <= @limit, m.id, m.webhook, m.method, m.tenant, m.created_at,
                   CASE WHEN c.matches AND c.n <= @limit THEN m.payload END
            FROM counted c JOIN {schema}.messages m ON m.id = c.id
            ORDER BY c.tx, c.seq;
            """;
    }
}
