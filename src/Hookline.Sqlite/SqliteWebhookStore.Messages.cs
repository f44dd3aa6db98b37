using Hookline.Storage;

namespace Hookline.Sqlite;

internal sealed partial class SqliteWebhookStore
{
    public Task<IReadOnlyList<StoredMessage>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<StoredMessage>>(
            async (connection, transaction) =>
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
                    "INSERT INTO messages (id, webhook, method, tenant, payload, created_at, idempotency_key) VALUES ($id, $webhook, $method, $tenant, $payload, $created_at, $key);",
                    ("$id", null),
                    ("$webhook", null),
                    ("$method", null),
                    ("$tenant", null),
                    ("$payload", null),
                    ("$created_at", null),
                    ("$key", null));

                // Fan out: one pending delivery, due now, per enabled endpoint of the tenant (or of every
                // tenant) whose event filter is empty (all) or names the webhook.
                using var fanOut = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
                    SELECT $id, e.id, 0, 0, $created_at, $created_at FROM endpoints e
                    WHERE e.enabled = 1
                      AND ($tenant IS NULL OR e.tenant = $tenant)
                      AND ($endpoint IS NULL OR e.id = $endpoint)
                      AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = $webhook));
                    """,
                    ("$id", null),
                    ("$tenant", null),
                    ("$webhook", null),
                    ("$endpoint", null),
                    ("$created_at", null));

                var results = new List<StoredMessage>(messages.Count);
                foreach (var message in messages)
                {
                    if (message.IdempotencyKey is not null)
                    {
                        findRepeat.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
                        findRepeat.Parameters["$key"].Value = message.IdempotencyKey;
                        if (await findRepeat.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string firstId)
                        {
                            results.Add(new StoredMessage(firstId, 0, IsRepeat: true));
                            continue;
                        }
                    }

                    var createdAt = ToUnix(message.CreatedAt);
                    insertMessage.Parameters["$id"].Value = message.Id;
                    insertMessage.Parameters["$webhook"].Value = message.Webhook;
                    insertMessage.Parameters["$method"].Value = message.Method;
                    insertMessage.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
                    insertMessage.Parameters["$payload"].Value = message.Payload.ToArray();
                    insertMessage.Parameters["$created_at"].Value = createdAt;
                    insertMessage.Parameters["$key"].Value = (object?)message.IdempotencyKey ?? DBNull.Value;
                    await insertMessage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                    fanOut.Parameters["$id"].Value = message.Id;
                    fanOut.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
                    fanOut.Parameters["$webhook"].Value = message.Webhook;
                    fanOut.Parameters["$endpoint"].Value = (object?)message.EndpointId ?? DBNull.Value;
                    fanOut.Parameters["$created_at"].Value = createdAt;
                    var deliveries = await fanOut.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    results.Add(new StoredMessage(message.Id, deliveries, IsRepeat: false));
                }

                return results;
            },
            cancellationToken);

    public async Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken) =>
        (await ReadMessagesAsync("WHERE m.id = $id", cancellationToken, ("$id", id)).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(MessageQuery query, CancellationToken cancellationToken) =>
        ReadMessagesAsync(
            """
            WHERE ($tenant IS NULL OR m.tenant = $tenant OR EXISTS (
                    SELECT 1 FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.message_id = m.id AND e.tenant = $tenant))
              AND ($webhook IS NULL OR m.webhook = $webhook)
              AND ($since IS NULL OR m.created_at >= $since)
              AND ($until IS NULL OR m.created_at < $until)
              AND ($before IS NULL OR m.id < $before)
              AND (($endpoint IS NULL AND $status IS NULL) OR EXISTS (
                    SELECT 1 FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                    WHERE d.message_id = m.id
                      AND ($tenant IS NULL OR e.tenant = $tenant)
                      AND ($endpoint IS NULL OR d.endpoint_id = $endpoint)
                      AND ($status IS NULL OR d.status = $status)))
            ORDER BY m.id DESC
            LIMIT $limit
            """,
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$webhook", query.Webhook),
            ("$endpoint", query.EndpointId),
            ("$status", (int?)query.Status),
            ("$since", query.Since is { } since ? ToUnix(since) : null),
            ("$until", query.Until is { } until ? ToUnix(until) : null),
            ("$before", query.Before),
            ("$limit", query.Limit));

    private async Task<IReadOnlyList<WebhookMessage>> ReadMessagesAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            $"SELECT m.id, m.webhook, m.method, m.tenant, m.payload, m.created_at FROM messages m {where};",
            reader => new WebhookMessage(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                (byte[])reader.GetValue(4),
                FromUnix(reader.GetInt64(5))),
            cancellationToken,
            parameters).ConfigureAwait(false);

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        const int ChunkSize = 5_000;
        var total = 0;
        int purged;
        do
        {
            // Chunks keep each write transaction short, so publishing and dispatch are not held up.
            purged = await WriteAsync(
                async (connection, transaction) =>
                {
                    await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        CREATE TEMP TABLE purge AS
                        SELECT id FROM messages m
                        WHERE created_at < $before AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status = 0)
                        LIMIT $chunk;
                        """,
                        cancellationToken,
                        ("$before", ToUnix(before)),
                        ("$chunk", ChunkSize)).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE message_id IN (SELECT id FROM purge));", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM purge);", cancellationToken).ConfigureAwait(false);
                    var count = await ExecuteAsync(connection, transaction, "DELETE FROM messages WHERE id IN (SELECT id FROM purge);", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, "DROP TABLE temp.purge;", cancellationToken).ConfigureAwait(false);
                    return count;
                },
                cancellationToken).ConfigureAwait(false);
            total += purged;
        }
        while (purged == ChunkSize);

        return total;
    }
}
