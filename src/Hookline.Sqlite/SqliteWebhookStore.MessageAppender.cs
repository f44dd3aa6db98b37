using System.Data.Common;
using System.Text.Json;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

/// <summary>
/// Appending messages (<see cref="IWebhookMessageAppender"/>), in a write transaction of the store's or in the app's own. Only the
/// message is written: <see cref="ExpandAsync"/> fans it out after commit.
/// </summary>
internal sealed partial class SqliteWebhookStore : IWebhookMessageAppender
{
    private string? _file;

    public Task<IReadOnlyList<WebhookPublishResult>> AppendAsync(IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<WebhookPublishResult>>(
            (connection, transaction) => InsertAsync(connection, transaction, messages, cancellationToken),
            cancellationToken);

    public async Task<WebhookPublishResult> AppendAsync(WebhookNewMessage message, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not SqliteTransaction sqlite)
        {
            throw new ArgumentException(
                $"The SQLite webhook store (UseSqlite) publishes in a Microsoft.Data.Sqlite SqliteTransaction on its own database file; "
                + $"this is a '{transaction.GetType().FullName}'. For PostgreSQL, use Hookline.PostgreSql (UsePostgreSql) and an NpgsqlTransaction.",
                nameof(transaction));
        }

        var connection = sqlite.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing it.");
        var storeFile = await StoreFileAsync(cancellationToken).ConfigureAwait(false);
        var appFile = connection.DataSource;
        if (!string.Equals(storeFile, appFile, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The transaction is on the SQLite database '{appFile}', but the webhook store (UseSqlite) is on '{storeFile}'. "
                + "Publish in a transaction on the store's file: open the SqliteConnection with the connection string given to UseSqlite.");
        }

        return (await InsertAsync(connection, sqlite, [message], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The full path of the store's database file, as SQLite names it (what <see cref="SqliteConnection.DataSource"/> says once open).</summary>
    private async Task<string> StoreFileAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            _file = connection.DataSource;
        }

        return _file;
    }

    private static async Task<IReadOnlyList<WebhookPublishResult>> InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken)
    {
        using var findRepeat = Command(
            connection,
            transaction,
            "SELECT id FROM messages WHERE ifnull(tenant, '') = ifnull($tenant, '') AND idempotency_key = $key;",
            ("$tenant", null),
            ("$key", null));
        using var insertMessage = Command(
            connection,
            transaction,
            """
            UPDATE message_seq SET last = last + 1;
            INSERT INTO messages (id, webhook, method, tenant, payload, created_at, idempotency_key, target_endpoint_id, ordering_key, seq)
            VALUES ($id, $webhook, $method, $tenant, $payload, $created_at, $key, $endpoint, $ordering_key,
                    (SELECT last FROM message_seq));
            INSERT INTO unexpanded (created_at, message_id, webhook, tenant, target_endpoint_id, ordering_key, seq)
            VALUES ($created_at, $id, $webhook, $tenant, $endpoint, $ordering_key, (SELECT seq FROM messages WHERE id = $id));
            """,
            ("$id", null),
            ("$webhook", null),
            ("$method", null),
            ("$tenant", null),
            ("$payload", null),
            ("$created_at", null),
            ("$key", null),
            ("$endpoint", null),
            ("$ordering_key", null));

        var results = new List<WebhookPublishResult>(messages.Count);
        foreach (var message in messages)
        {
            if (message.IdempotencyKey is not null)
            {
                findRepeat.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
                findRepeat.Parameters["$key"].Value = message.IdempotencyKey;
                if (await findRepeat.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string firstId)
                {
                    results.Add(new WebhookPublishResult(firstId, IsRepeat: true));
                    continue;
                }
            }

            insertMessage.Parameters["$id"].Value = message.Id;
            insertMessage.Parameters["$webhook"].Value = message.EventType;
            insertMessage.Parameters["$method"].Value = message.Method;
            insertMessage.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
            insertMessage.Parameters["$payload"].Value = message.Payload.ToArray();
            insertMessage.Parameters["$created_at"].Value = ToUnix(message.CreatedAt);
            insertMessage.Parameters["$key"].Value = (object?)message.IdempotencyKey ?? DBNull.Value;
            insertMessage.Parameters["$endpoint"].Value = (object?)message.EndpointId ?? DBNull.Value;
            insertMessage.Parameters["$ordering_key"].Value = message.OrderingKey ?? "";
            await insertMessage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            results.Add(new WebhookPublishResult(message.Id, IsRepeat: false));
        }

        return results;
    }

    public Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // One writer at a time, so every statement sees the same oldest waiting messages. Fan out: one pending delivery,
                // due from the message's creation, per enabled endpoint of its tenant (or of every tenant) whose event filter is
                // null (all) or names its webhook, or only its target endpoint; here those without a payload filter for the
                // webhook, then those with one whose filter the payload matches; none to a polling endpoint (url ''), whose
                // messages are read from its feed. OR IGNORE: a resend may have made one already. A message of every tenant is
                // listed for each tenant it reaches (its polling endpoints too), for their logs.
                await Prepared(
                    transaction,
                    """
                    CREATE TEMP TABLE IF NOT EXISTS expanding (
                        id TEXT PRIMARY KEY, webhook TEXT, tenant TEXT, target TEXT, created_at INTEGER, ordering_key TEXT, seq INTEGER);
                    DELETE FROM expanding;
                    INSERT INTO expanding
                    SELECT message_id, webhook, tenant, target_endpoint_id, created_at, ordering_key, seq FROM unexpanded
                    ORDER BY created_at, message_id LIMIT $max;
                    INSERT OR IGNORE INTO deliveries
                        (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                    SELECT m.id, e.id, 0, 0, m.created_at, $now, m.ordering_key, m.seq FROM expanding m JOIN endpoints e
                      ON e.enabled = 1 AND e.url <> ''
                     AND (m.tenant IS NULL OR e.tenant = m.tenant)
                     AND (m.target IS NULL OR e.id = m.target)
                     AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook))
                     AND NOT EXISTS (SELECT 1 FROM json_each(e.filters) WHERE key = m.webhook);
                    INSERT OR IGNORE INTO received_messages (tenant, message_id)
                    SELECT DISTINCT e.tenant, m.id FROM expanding m JOIN endpoints e
                      ON m.tenant IS NULL AND e.tenant IS NOT NULL AND e.enabled = 1
                     AND (m.target IS NULL OR e.id = m.target)
                     AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook));
                    """,
                    ("$max", max),
                    ("$now", ToUnix(now))).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await ExpandFilteredAsync(transaction, now, cancellationToken).ConfigureAwait(false);

                // Each endpoint is due by its new deliveries' time, if it was not already.
                await Prepared(
                    transaction,
                    """
                    UPDATE endpoints SET due_at = x.due_at
                    FROM (SELECT d.endpoint_id, min(d.next_attempt_at) AS due_at FROM expanding m JOIN deliveries d ON d.message_id = m.id
                          WHERE d.status = 0 GROUP BY d.endpoint_id) AS x
                    WHERE endpoints.id = x.endpoint_id AND ifnull(endpoints.due_at > x.due_at, 1);
                    """).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return await Prepared(
                    transaction,
                    "DELETE FROM unexpanded WHERE (created_at, message_id) IN (SELECT created_at, id FROM expanding);")
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken,
            durable: false);

    /// <summary>
    /// The deliveries of the messages being expanded to endpoints with a payload filter for their webhook, where the payload
    /// matches it: each payload read and parsed once, whatever the number of endpoints.
    /// </summary>
    private async Task ExpandFilteredAsync(SqliteTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = Prepared(
            transaction,
            """
            SELECT m.id, e.id, f.value, m.created_at, m.ordering_key, m.seq, p.payload
            FROM expanding m JOIN messages p ON p.id = m.id JOIN endpoints e
              ON e.enabled = 1 AND e.url <> ''
             AND (m.tenant IS NULL OR e.tenant = m.tenant)
             AND (m.target IS NULL OR e.id = m.target)
             AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook))
            JOIN json_each(e.filters) f ON f.key = m.webhook
            ORDER BY m.id;
            """);
        var matched = new List<(string Message, string Endpoint, long CreatedAt, string OrderingKey, object? Seq)>();
        using (var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            JsonDocument? payload = null;
            string? payloadOf = null;
            try
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var message = reader.GetString(0);
                    if (message != payloadOf)
                    {
                        payload?.Dispose();
                        payload = JsonDocument.Parse((byte[])reader.GetValue(6));
                        payloadOf = message;
                    }

                    if (WebhookPayloadFilter.Matches(reader.GetString(2), payload!.RootElement))
                    {
                        matched.Add((message, reader.GetString(1), reader.GetInt64(3), reader.GetString(4), reader.GetValue(5)));
                    }
                }
            }
            finally
            {
                payload?.Dispose();
            }
        }

        var insert = Prepared(
            transaction,
            """
            INSERT OR IGNORE INTO deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
            VALUES ($message, $endpoint, 0, 0, $created_at, $now, $ordering_key, $seq);
            """,
            ("$message", null),
            ("$endpoint", null),
            ("$created_at", null),
            ("$now", ToUnix(now)),
            ("$ordering_key", null),
            ("$seq", null));
        foreach (var (message, endpoint, createdAt, orderingKey, seq) in matched)
        {
            insert.Parameters["$message"].Value = message;
            insert.Parameters["$endpoint"].Value = endpoint;
            insert.Parameters["$created_at"].Value = createdAt;
            insert.Parameters["$ordering_key"].Value = orderingKey;
            insert.Parameters["$seq"].Value = seq;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
