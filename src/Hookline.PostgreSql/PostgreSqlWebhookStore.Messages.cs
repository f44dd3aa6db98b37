using System.Data.Common;
using System.Text.Json;
using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    /// <summary>The channel every append notifies at commit (<c>pg_notify</c>), so that instances listening learn of new messages at once.</summary>
    internal string Channel => ChannelName(_schema);

    /// <summary>The notification channel of the store in <paramref name="schema"/>; <see cref="PostgreSqlMessageListener"/> listens on it.</summary>
    internal static string ChannelName(string schema) => $"{schema}_messages";

    public Task<IReadOnlyList<WebhookPublishResult>> AppendAsync(IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<WebhookPublishResult>>(
            async (connection, transaction) =>
            {
                var results = await InsertAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await NotifyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return results;
            },
            cancellationToken);

    public async Task<WebhookPublishResult> AppendAsync(WebhookNewMessage message, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not NpgsqlTransaction npgsql)
        {
            throw new ArgumentException(
                $"The PostgreSQL webhook store (UsePostgreSql) publishes in an NpgsqlTransaction on its own database; "
                + $"this is a '{transaction.GetType().FullName}'. For SQLite, use Hookline.Sqlite (UseSqlite) and a SqliteTransaction.",
                nameof(transaction));
        }

        var connection = npgsql.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing it.");
        if (!string.Equals(connection.Database, _database, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The transaction is on the PostgreSQL database '{connection.Database}', but the webhook store (UsePostgreSql) is on "
                + $"'{_database}'. Publish in a transaction on the store's database: open the NpgsqlConnection with the connection "
                + "string (or the NpgsqlDataSource) given to UsePostgreSql.");
        }

        var stored = await InsertAsync(connection, npgsql, [message], cancellationToken).ConfigureAwait(false);
        await NotifyAsync(connection, npgsql, cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    public Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // SKIP LOCKED: instances expanding at once each take other messages off the queue. Fan out: one pending delivery,
                // due from the message's creation, per enabled endpoint of its tenant (or of every tenant) whose event filter is
                // null (all) or names its webhook, or only its target endpoint; here those without a payload filter for the
                // webhook, the others listed for ExpandFilteredAsync; none to a polling endpoint (no URL), whose messages are read
                // from its feed. DO NOTHING: a resend may have made one already. A message of every tenant is listed for each
                // tenant it reaches (its polling endpoints too), for their logs. (Data-modifying CTEs run to completion whether or
                // not the query reads them.)
                var (count, fanned, filtered) = (await ReadAsync(
                    connection,
                    transaction,
                    """
                    WITH batch AS (
                        DELETE FROM {schema}.unexpanded WHERE ctid = ANY (ARRAY(
                            SELECT ctid FROM {schema}.unexpanded
                            ORDER BY created_at, message_id
                            LIMIT @max
                            FOR UPDATE SKIP LOCKED))
                        RETURNING created_at, message_id, webhook, tenant, target_endpoint_id, ordering_key, seq),
                    reached AS (
                        SELECT b.*, e.id AS endpoint_id, e.filters ->> b.webhook AS filter, e.url IS NULL AS polling
                        FROM batch b JOIN {schema}.endpoints e
                          ON e.enabled
                         AND (b.tenant IS NULL OR e.tenant = b.tenant)
                         AND (b.target_endpoint_id IS NULL OR e.id = b.target_endpoint_id)
                         AND (e.event_types IS NULL OR b.webhook = ANY (e.event_types))),
                    fanned AS (
                        INSERT INTO {schema}.deliveries
                            (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                        SELECT message_id, endpoint_id, 0, 0, created_at, @now, ordering_key, seq FROM reached
                        WHERE filter IS NULL AND NOT polling
                        ON CONFLICT (message_id, endpoint_id) DO NOTHING
                        RETURNING endpoint_id, next_attempt_at),
                    received AS (
                        INSERT INTO {schema}.received_messages (tenant, message_id)
                        SELECT DISTINCT e.tenant, r.message_id FROM reached r JOIN {schema}.endpoints e ON e.id = r.endpoint_id
                        WHERE r.tenant IS NULL AND e.tenant IS NOT NULL
                        ON CONFLICT DO NOTHING),
                    sifted AS (SELECT message_id, endpoint_id, filter FROM reached WHERE filter IS NOT NULL AND NOT polling)
                    SELECT (SELECT count(*) FROM batch),
                           (SELECT array_agg(endpoint_id ORDER BY endpoint_id) FROM fanned),
                           (SELECT array_agg(next_attempt_at ORDER BY endpoint_id) FROM fanned),
                           (SELECT array_agg(message_id ORDER BY message_id, endpoint_id) FROM sifted),
                           (SELECT array_agg(endpoint_id ORDER BY message_id, endpoint_id) FROM sifted),
                           (SELECT array_agg(filter ORDER BY message_id, endpoint_id) FROM sifted);
                    """,
                    reader => (
                        reader.GetInt64(0),
                        Zip(Array<string>(reader, 1), Array<DateTime>(reader, 2)),
                        new FilteredFanOut(Array<string>(reader, 3), Array<string>(reader, 4), Array<string>(reader, 5))),
                    cancellationToken,
                    Integer("max", max),
                    Time("now", now)).ConfigureAwait(false)).Single();
                if (filtered.MessageIds.Length > 0)
                {
                    fanned.AddRange(
                        await ExpandFilteredAsync(connection, transaction, filtered, now, cancellationToken).ConfigureAwait(false));
                }

                var due = fanned.GroupBy(f => f.Endpoint, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => (Endpoint: g.Key, DueAt: g.Min(f => f.DueAt))).ToList();
                var endpoints = due.Select(d => d.Endpoint).ToArray();
                var dues = due.Select(d => d.DueAt).ToArray();

                // Each endpoint is due by its new deliveries' time, if it was not already: locked in id order, so instances
                // expanding messages to the same endpoints at once wait for one another rather than deadlock.
                if (endpoints.Length > 0)
                {
                    await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        UPDATE {schema}.endpoints e SET due_at = x.due_at
                        FROM (
                            SELECT l.id, n.due_at FROM unnest(@endpoints, @dues) AS n (id, due_at)
                            JOIN {schema}.endpoints l ON l.id = n.id
                            WHERE l.due_at IS NULL OR l.due_at > n.due_at
                            ORDER BY l.id
                            FOR NO KEY UPDATE OF l) AS x
                        WHERE e.id = x.id AND (e.due_at IS NULL OR e.due_at > x.due_at);
                        """,
                        cancellationToken,
                        TextArray("endpoints", endpoints),
                        Parameter("dues", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, dues)).ConfigureAwait(false);
                }

                return (int)count;
            },
            cancellationToken);

    /// <summary>
    /// The deliveries of messages being expanded to endpoints with a payload filter for their webhook, where the payload matches
    /// it: each payload read and parsed once, whatever the number of endpoints.
    /// </summary>
    private async Task<List<(string Endpoint, DateTime DueAt)>> ExpandFilteredAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        FilteredFanOut candidates,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var payloads = (await ReadAsync(
            connection,
            transaction,
            "SELECT id, payload FROM {schema}.messages WHERE id = ANY (@ids);",
            reader => (Id: reader.GetString(0), Payload: reader.GetFieldValue<byte[]>(1)),
            cancellationToken,
            TextArray("ids", candidates.MessageIds.Distinct(StringComparer.Ordinal))).ConfigureAwait(false))
            .ToDictionary(p => p.Id, p => p.Payload, StringComparer.Ordinal);
        var matched = new List<(string Message, string Endpoint)>();
        JsonDocument? payload = null;
        try
        {
            for (var i = 0; i < candidates.MessageIds.Length; i++)
            {
                if (i == 0 || candidates.MessageIds[i] != candidates.MessageIds[i - 1])
                {
                    payload?.Dispose();
                    payload = JsonDocument.Parse(payloads[candidates.MessageIds[i]]);
                }

                if (WebhookPayloadFilter.Matches(candidates.Filters[i], payload!.RootElement))
                {
                    matched.Add((candidates.MessageIds[i], candidates.EndpointIds[i]));
                }
            }
        }
        finally
        {
            payload?.Dispose();
        }

        return matched.Count == 0 ? [] : await ReadAsync(
            connection,
            transaction,
            """
            INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
            SELECT m.id, f.endpoint_id, 0, 0, m.created_at, @now, m.ordering_key, m.seq
            FROM unnest(@messages, @endpoints) AS f (message_id, endpoint_id) JOIN {schema}.messages m ON m.id = f.message_id
            ON CONFLICT (message_id, endpoint_id) DO NOTHING
            RETURNING endpoint_id, next_attempt_at;
            """,
            reader => (reader.GetString(0), reader.GetFieldValue<DateTime>(1)),
            cancellationToken,
            TextArray("messages", matched.Select(m => m.Message)),
            TextArray("endpoints", matched.Select(m => m.Endpoint)),
            Time("now", now)).ConfigureAwait(false);
    }

    private static T[] Array<T>(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<T[]>(ordinal);

    private static List<(string Endpoint, DateTime DueAt)> Zip(string[] endpoints, DateTime[] dues) => [.. endpoints.Zip(dues)];

    /// <summary>Pairs of a message being expanded and an endpoint with a payload filter for its webhook, that filter, by message.</summary>
    private sealed record FilteredFanOut(string[] MessageIds, string[] EndpointIds, string[] Filters);

    /// <summary>Inserts a batch of messages in one statement: a round trip per message would cost more than its rows.</summary>
    private async Task<List<WebhookPublishResult>> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken)
    {
        // A repeated idempotency key stores nothing (in the batch too: the first wins); a repeated id fails the batch.
        var inserted = (await ReadAsync(
            connection,
            transaction,
            """
            WITH inserted AS (
                INSERT INTO {schema}.messages
                    (id, webhook, method, tenant, payload, created_at, idempotency_key, target_endpoint_id, ordering_key)
                SELECT id, webhook, method, tenant, payload, created_at, idempotency_key, target_endpoint_id, ordering_key
                FROM unnest(@ids, @webhooks, @methods, @tenants, @payloads, @created_at, @keys, @endpoints, @ordering_keys) WITH ORDINALITY
                    AS m (id, webhook, method, tenant, payload, created_at, idempotency_key, target_endpoint_id, ordering_key, position)
                ORDER BY position
                ON CONFLICT (coalesce(tenant, ''), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id, webhook, tenant, created_at, target_endpoint_id, ordering_key, seq),
            queued AS (
                INSERT INTO {schema}.unexpanded (created_at, message_id, webhook, tenant, target_endpoint_id, ordering_key, seq)
                SELECT created_at, id, webhook, tenant, target_endpoint_id, ordering_key, seq FROM inserted)
            SELECT id FROM inserted;
            """,
            reader => reader.GetString(0),
            cancellationToken,
            TextArray("ids", messages.Select(m => m.Id)),
            TextArray("webhooks", messages.Select(m => m.EventType)),
            TextArray("methods", messages.Select(m => m.Method)),
            TextArray("tenants", messages.Select(m => m.Tenant)),
            Parameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, messages.Select(m => m.Payload.ToArray()).ToArray()),
            Parameter("created_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, messages.Select(m => Stored(m.CreatedAt)).ToArray()),
            TextArray("keys", messages.Select(m => m.IdempotencyKey)),
            TextArray("endpoints", messages.Select(m => m.EndpointId)),
            TextArray("ordering_keys", messages.Select(m => m.OrderingKey ?? ""))).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var results = new List<WebhookPublishResult>(messages.Count);
        foreach (var message in messages)
        {
            // Remove: the same message twice in a batch is stored once, and the second is its repeat.
            results.Add(inserted.Remove(message.Id)
                ? new WebhookPublishResult(message.Id, IsRepeat: false)
                : await FirstWithKeyAsync(connection, transaction, message, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>The message that already holds <paramref name="message"/>'s idempotency key.</summary>
    private async Task<WebhookPublishResult> FirstWithKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, WebhookNewMessage message, CancellationToken cancellationToken)
    {
        var first = await ScalarAsync(
            connection,
            transaction,
            "SELECT id FROM {schema}.messages WHERE coalesce(tenant, '') = coalesce(@tenant, '') AND idempotency_key = @key;",
            cancellationToken,
            Text("tenant", message.Tenant),
            Text("key", message.IdempotencyKey)).ConfigureAwait(false) as string;
        return new WebhookPublishResult(
            first ?? throw new InvalidOperationException(
                $"The idempotency key '{message.IdempotencyKey}' is taken by a message this transaction cannot see (its snapshot is older); "
                + "retry the transaction."),
            IsRepeat: true);
    }

    /// <summary>Tells listening instances, at commit, that messages wait to be expanded (notifications of one transaction coalesce).</summary>
    private Task<int> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "SELECT pg_notify(@channel, '');", cancellationToken, Text("channel", Channel));

    public async Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken) =>
        (await ReadMessagesAsync(
            $"SELECT {MessageColumns} FROM {{schema}}.messages m WHERE m.id = @id;", cancellationToken, Text("id", id))
            .ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken) =>
        ReadMessagesAsync(
            MessagesSql(query.Tenant is not null, query.Before is not null),
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("id", query.Id),
            Text("webhook", query.EventType),
            Text("endpoint", query.EndpointId),
            Parameter("status", NpgsqlDbType.Smallint, (short?)query.Status),
            Time("since", query.Since),
            Time("until", query.Until),
            Text("before", query.Before),
            Integer("limit", query.Limit));

    /// <summary>
    /// A page of messages, newest first. A tenant's page reads its own messages by <c>(tenant, id)</c> and those it received of
    /// others (sent to every tenant) by <c>received_messages</c>, each newest first and at most a page, then keeps the newest
    /// page of both: about a page of rows whatever the table holds. Without a tenant, the messages' own order is read.
    /// </summary>
    internal static string MessagesSql(bool tenant, bool before)
    {
        const string Filters =
            """
            (@id IS NULL OR m.id = @id)
              AND (@webhook IS NULL OR m.webhook = @webhook)
              AND (@since IS NULL OR m.created_at >= @since)
              AND (@until IS NULL OR m.created_at < @until)
              AND ((@endpoint IS NULL AND @status IS NULL) OR EXISTS (
                    SELECT 1 FROM {schema}.deliveries d JOIN {schema}.endpoints e ON e.id = d.endpoint_id
                    WHERE d.message_id = m.id
                      AND (@tenant IS NULL OR e.tenant = @tenant)
                      AND (@endpoint IS NULL OR d.endpoint_id = @endpoint)
                      AND (@status IS NULL OR d.status = @status)))
            """;
        if (!tenant)
        {
            return $$"""
                SELECT {{MessageColumns}} FROM {schema}.messages m
                WHERE {{Filters}} {{(before ? "AND m.id < @before" : "")}}
                ORDER BY m.id DESC LIMIT @limit;
                """;
        }

        return $$"""
            SELECT * FROM (
                (SELECT {{MessageColumns}} FROM {schema}.messages m
                 WHERE m.tenant = @tenant {{(before ? "AND m.id < @before" : "")}} AND {{Filters}}
                 ORDER BY m.id DESC LIMIT @limit)
                UNION ALL
                (SELECT {{MessageColumns}} FROM {schema}.received_messages r JOIN {schema}.messages m ON m.id = r.message_id
                 WHERE r.tenant = @tenant {{(before ? "AND r.message_id < @before" : "")}} AND {{Filters}}
                 ORDER BY r.message_id DESC LIMIT @limit)) page
            ORDER BY id DESC LIMIT @limit;
            """;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        const int ChunkSize = 5_000;
        var total = 0;
        int purged;
        do
        {
            // Bounded chunks, each its own short transaction: no long lock. Deliveries and attempts go with their message (cascade).
            purged = await WriteAsync(
                (connection, transaction) => ExecuteAsync(
                    connection,
                    transaction,
                    """
                    DELETE FROM {schema}.messages WHERE id IN (
                        SELECT id FROM {schema}.messages m
                        WHERE created_at < @before
                          AND NOT EXISTS (SELECT 1 FROM {schema}.unexpanded u WHERE u.created_at = m.created_at AND u.message_id = m.id)
                          AND NOT EXISTS (SELECT 1 FROM {schema}.deliveries d WHERE d.message_id = m.id AND d.status IN (0, 3))
                        LIMIT @chunk
                        FOR UPDATE SKIP LOCKED);
                    """,
                    cancellationToken,
                    Time("before", before),
                    Integer("chunk", ChunkSize)),
                cancellationToken).ConfigureAwait(false);
            total += purged;
        }
        while (purged == ChunkSize);

        await PurgeAttemptHoursAsync(before, cancellationToken).ConfigureAwait(false);
        return total;
    }

    private const string MessageColumns = "m.id, m.webhook, m.method, m.tenant, m.payload, m.created_at";

    private async Task<IReadOnlyList<WebhookMessage>> ReadMessagesAsync(
        string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            sql,
            reader => new WebhookMessage(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                NullableText(reader, 3),
                reader.GetFieldValue<byte[]>(4),
                reader.GetFieldValue<DateTimeOffset>(5)),
            cancellationToken,
            parameters).ConfigureAwait(false);
}
