using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    public Task<IReadOnlyList<StoredMessage>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<StoredMessage>>(
            async (connection, transaction) =>
            {
                var results = new List<StoredMessage>(messages.Count);
                foreach (var message in messages)
                {
                    // A repeated idempotency key stores nothing; a repeated id fails the batch, as any other error does.
                    var inserted = await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at, idempotency_key)
                        VALUES (@id, @webhook, @method, @tenant, @payload, @created_at, @key)
                        ON CONFLICT (coalesce(tenant, ''), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING;
                        """,
                        cancellationToken,
                        Text("id", message.Id),
                        Text("webhook", message.Webhook),
                        Text("method", message.Method),
                        Text("tenant", message.Tenant),
                        Parameter("payload", NpgsqlDbType.Bytea, message.Payload.ToArray()),
                        Time("created_at", message.CreatedAt),
                        Text("key", message.IdempotencyKey)).ConfigureAwait(false);
                    if (inserted == 0)
                    {
                        var first = (string)(await ScalarAsync(
                            connection,
                            transaction,
                            "SELECT id FROM {schema}.messages WHERE coalesce(tenant, '') = coalesce(@tenant, '') AND idempotency_key = @key;",
                            cancellationToken,
                            Text("tenant", message.Tenant),
                            Text("key", message.IdempotencyKey)).ConfigureAwait(false))!;
                        results.Add(new StoredMessage(first, 0, IsRepeat: true));
                        continue;
                    }

                    // Fan out: one pending delivery, due now, per enabled endpoint of the tenant (or of every tenant) whose event
                    // filter is empty (all) or names the webhook.
                    var deliveries = await ExecuteAsync(
                        connection,
                        transaction,
                        $$"""
                        INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
                        SELECT @id, e.id, 0, 0, @created_at, @created_at FROM {schema}.endpoints e
                        WHERE e.enabled
                          {{(message.Tenant is null ? "" : "AND e.tenant = @tenant")}}
                          {{(message.EndpointId is null ? "" : "AND e.id = @endpoint")}}
                          AND (e.event_types IS NULL OR @webhook = ANY (e.event_types));
                        """,
                        cancellationToken,
                        Text("id", message.Id),
                        Text("tenant", message.Tenant),
                        Text("endpoint", message.EndpointId),
                        Text("webhook", message.Webhook),
                        Time("created_at", message.CreatedAt)).ConfigureAwait(false);
                    results.Add(new StoredMessage(message.Id, deliveries, IsRepeat: false));
                }

                return results;
            },
            cancellationToken);

    public async Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken) =>
        (await ReadMessagesAsync("WHERE m.id = @id", cancellationToken, Text("id", id)).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(MessageQuery query, CancellationToken cancellationToken) =>
        ReadMessagesAsync(
            """
            WHERE (@tenant IS NULL OR m.tenant = @tenant OR EXISTS (
                    SELECT 1 FROM {schema}.deliveries d JOIN {schema}.endpoints e ON e.id = d.endpoint_id
                    WHERE d.message_id = m.id AND e.tenant = @tenant))
              AND (@webhook IS NULL OR m.webhook = @webhook)
              AND (@since IS NULL OR m.created_at >= @since)
              AND (@until IS NULL OR m.created_at < @until)
              AND (@before IS NULL OR m.id < @before)
              AND ((@endpoint IS NULL AND @status IS NULL) OR EXISTS (
                    SELECT 1 FROM {schema}.deliveries d JOIN {schema}.endpoints e ON e.id = d.endpoint_id
                    WHERE d.message_id = m.id
                      AND (@tenant IS NULL OR e.tenant = @tenant)
                      AND (@endpoint IS NULL OR d.endpoint_id = @endpoint)
                      AND (@status IS NULL OR d.status = @status)))
            ORDER BY m.id DESC
            LIMIT @limit
            """,
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("webhook", query.Webhook),
            Text("endpoint", query.EndpointId),
            Parameter("status", NpgsqlDbType.Smallint, (short?)query.Status),
            Time("since", query.Since),
            Time("until", query.Until),
            Text("before", query.Before),
            Integer("limit", query.Limit));

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
                          AND NOT EXISTS (SELECT 1 FROM {schema}.deliveries d WHERE d.message_id = m.id AND d.status = 0)
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

        return total;
    }

    private async Task<IReadOnlyList<WebhookMessage>> ReadMessagesAsync(string where, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            $"SELECT m.id, m.webhook, m.method, m.tenant, m.payload, m.created_at FROM {{schema}}.messages m {where};",
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
