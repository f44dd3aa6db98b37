using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    public Task<IReadOnlyList<LeasedDelivery>> LeaseAsync(
        string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<LeasedDelivery>>(
            async (connection, transaction) => await ReadAsync(
                connection,
                transaction,
                // SKIP LOCKED: instances leasing at once each take other rows, without waiting for one another. A lease moves the
                // delivery's due time to the lease's end: if the owner never completes it, it is simply due again then.
                """
                WITH due AS (
                    SELECT id, next_attempt_at FROM {schema}.deliveries
                    WHERE status = 0 AND next_attempt_at <= @now
                    ORDER BY next_attempt_at
                    LIMIT @max
                    FOR UPDATE SKIP LOCKED),
                leased AS (
                    UPDATE {schema}.deliveries d SET next_attempt_at = @until, lease_owner = @owner
                    FROM due WHERE d.id = due.id
                    RETURNING d.id, d.attempts, d.message_id, d.endpoint_id, due.next_attempt_at AS due_at)
                SELECT l.id, l.attempts, l.message_id, m.webhook, m.method, m.payload, l.endpoint_id, e.url, e.secrets, e.failing_since, e.rate_limit
                FROM leased l
                JOIN {schema}.messages m ON m.id = l.message_id
                JOIN {schema}.endpoints e ON e.id = l.endpoint_id
                ORDER BY l.due_at, l.id;
                """,
                reader => new LeasedDelivery
                {
                    Id = reader.GetInt64(0),
                    Attempts = reader.GetInt32(1),
                    MessageId = reader.GetString(2),
                    Webhook = reader.GetString(3),
                    Method = reader.GetString(4),
                    Payload = reader.GetFieldValue<byte[]>(5),
                    EndpointId = reader.GetString(6),
                    Url = reader.GetString(7),
                    Secrets = SecretsFromJson(reader.GetString(8)),
                    FailingSince = NullableTime(reader, 9),
                    RateLimit = NullableInteger(reader, 10),
                },
                cancellationToken,
                Time("now", now),
                Time("until", leaseUntil),
                Integer("max", max),
                Text("owner", owner)).ConfigureAwait(false),
            cancellationToken);

    public Task CompleteAsync(IReadOnlyList<AttemptResult> results, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // Endpoint by endpoint, so two instances completing batches lock the same endpoint rows in the same order.
                foreach (var result in results.OrderBy(r => r.EndpointId, StringComparer.Ordinal).ThenBy(r => r.DeliveryId))
                {
                    await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO {schema}.attempts (delivery_id, started_at, duration_us, status_code, response_body, error_kind, error)
                        VALUES (@delivery, @started, @duration, @status, @body, @kind, @error);
                        """,
                        cancellationToken,
                        Bigint("delivery", result.DeliveryId),
                        Time("started", result.StartedAt),
                        Bigint("duration", result.Duration.Ticks / TimeSpan.TicksPerMicrosecond),
                        Integer("status", result.StatusCode),
                        Text("body", result.ResponseBody),
                        Parameter("kind", NpgsqlDbType.Smallint, (short)result.ErrorKind),
                        Text("error", result.Error)).ConfigureAwait(false);
                    var updated = await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        UPDATE {schema}.deliveries
                        SET status = @status, attempts = attempts + 1, next_attempt_at = coalesce(@next, next_attempt_at),
                            lease_owner = NULL, updated_at = @now
                        WHERE id = @id AND lease_owner = @owner;
                        """,
                        cancellationToken,
                        Parameter("status", NpgsqlDbType.Smallint, (short)result.Status),
                        Time("next", result.NextAttemptAt),
                        Time("now", now),
                        Bigint("id", result.DeliveryId),
                        Text("owner", result.LeaseOwner)).ConfigureAwait(false);
                    if (updated == 0)
                    {
                        continue; // Leased again by another dispatcher after ours expired: its outcome wins.
                    }

                    await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        UPDATE {schema}.endpoints SET failing_since = CASE WHEN @ok THEN NULL ELSE @started END, version = version + 1
                        WHERE id = @endpoint AND (CASE WHEN @ok THEN failing_since IS NOT NULL ELSE failing_since IS NULL END);
                        """,
                        cancellationToken,
                        Boolean("ok", result.Status == DeliveryStatus.Succeeded),
                        Time("started", result.StartedAt),
                        Text("endpoint", result.EndpointId)).ConfigureAwait(false);
                    if (result.DisableEndpointReason is { } reason)
                    {
                        var disabled = await ExecuteAsync(
                            connection,
                            transaction,
                            """
                            UPDATE {schema}.endpoints SET enabled = false, disabled_reason = @reason, updated_at = @now, version = version + 1
                            WHERE id = @id AND enabled;
                            """,
                            cancellationToken,
                            Text("reason", reason),
                            Time("now", now),
                            Text("id", result.EndpointId)).ConfigureAwait(false);
                        if (disabled > 0)
                        {
                            await FailPendingAsync(connection, transaction, result.EndpointId, now, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                await CountAttemptsAsync(connection, transaction, results, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task ReleaseAsync(string owner, IReadOnlyList<ReleasedDelivery> deliveries, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                """
                UPDATE {schema}.deliveries d SET next_attempt_at = r.due, lease_owner = NULL
                FROM unnest(@ids, @dues) AS r (id, due)
                WHERE d.id = r.id AND d.lease_owner = @owner AND d.status = 0;
                """,
                cancellationToken,
                Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deliveries.Select(d => d.Id).ToArray()),
                Parameter("dues", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, deliveries.Select(d => d.DueAt.ToUniversalTime()).ToArray()),
                Text("owner", owner)),
            cancellationToken);

    public Task<bool> ResendAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) => await ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at)
                SELECT m.id, e.id, 0, 0, @now, @now FROM {schema}.messages m, {schema}.endpoints e
                WHERE m.id = @message AND e.id = @endpoint AND e.enabled
                ON CONFLICT (message_id, endpoint_id)
                DO UPDATE SET status = 0, attempts = 0, next_attempt_at = @now, lease_owner = NULL, updated_at = @now;
                """,
                cancellationToken,
                Text("message", messageId),
                Text("endpoint", endpointId),
                Time("now", now)).ConfigureAwait(false) > 0,
            cancellationToken);

    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                """
                UPDATE {schema}.deliveries SET status = 0, attempts = 0, next_attempt_at = @now, lease_owner = NULL, updated_at = @now
                WHERE endpoint_id = @endpoint AND status = 2
                  AND EXISTS (SELECT 1 FROM {schema}.endpoints e WHERE e.id = @endpoint AND e.enabled)
                  AND message_id IN (SELECT id FROM {schema}.messages WHERE created_at >= @since);
                """,
                cancellationToken,
                Text("endpoint", endpointId),
                Time("since", since),
                Time("now", now)),
            cancellationToken);

    public Task<IReadOnlyList<DeliveryState>> ListDeliveriesAsync(string messageId, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync("WHERE message_id = @message", cancellationToken, Text("message", messageId));

    public Task<IReadOnlyList<DeliveryState>> QueryDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync(
            "WHERE message_id = ANY (@messages) AND endpoint_id IN (SELECT id FROM {schema}.endpoints WHERE tenant = @tenant)",
            cancellationToken,
            Parameter("messages", NpgsqlDbType.Array | NpgsqlDbType.Text, query.MessageIds.ToArray()),
            Text("tenant", query.Tenant));

    private async Task<IReadOnlyList<DeliveryState>> ReadDeliveriesAsync(
        string where, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            $"SELECT id, message_id, endpoint_id, status, attempts, next_attempt_at FROM {{schema}}.deliveries {where} ORDER BY id;",
            reader => new DeliveryState(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                (DeliveryStatus)reader.GetInt16(3),
                reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)),
            cancellationToken,
            parameters).ConfigureAwait(false);

    public Task<IReadOnlyList<DeliveryAttempt>> ListAttemptsAsync(string messageId, CancellationToken cancellationToken) =>
        ReadAttemptsAsync("WHERE d.message_id = @message ORDER BY a.id", cancellationToken, Text("message", messageId));

    public Task<IReadOnlyList<DeliveryAttempt>> QueryAttemptsAsync(AttemptQuery query, CancellationToken cancellationToken) =>
        ReadAttemptsAsync(
            """
            WHERE (@tenant IS NULL OR d.endpoint_id IN (SELECT id FROM {schema}.endpoints WHERE tenant = @tenant))
              AND (@endpoint IS NULL OR d.endpoint_id = @endpoint)
              AND (@message IS NULL OR d.message_id = @message)
              AND (@webhook IS NULL OR m.webhook = @webhook)
              AND (@succeeded IS NULL OR (a.error_kind = 0) = @succeeded)
              AND (@since IS NULL OR a.started_at >= @since)
              AND (@until IS NULL OR a.started_at < @until)
              AND (@before IS NULL OR a.id < @before)
            ORDER BY a.id DESC
            LIMIT @limit
            """,
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("endpoint", query.EndpointId),
            Text("message", query.MessageId),
            Text("webhook", query.Webhook),
            Boolean("succeeded", query.Succeeded),
            Time("since", query.Since),
            Time("until", query.Until),
            Bigint("before", query.Before),
            Integer("limit", query.Limit));

    public async Task<BacklogStats> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ReadAsync(
            // A message not yet fanned out waits too, due since it was published: one item, whatever it expands into.
            """
            SELECT (SELECT count(*) FROM {schema}.deliveries WHERE status = 0) + (SELECT count(*) FROM {schema}.messages WHERE NOT expanded),
                   least(
                       (SELECT min(next_attempt_at) FROM {schema}.deliveries WHERE status = 0 AND next_attempt_at <= @now),
                       (SELECT min(created_at) FROM {schema}.messages WHERE NOT expanded AND created_at <= @now));
            """,
            reader => new BacklogStats(reader.GetInt64(0), NullableTime(reader, 1)),
            cancellationToken,
            Time("now", now)).ConfigureAwait(false)).Single();

    private async Task<IReadOnlyList<DeliveryAttempt>> ReadAttemptsAsync(
        string whereAndOrder, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            $$"""
            SELECT a.id, a.delivery_id, d.message_id, d.endpoint_id, m.webhook, a.started_at, a.duration_us, a.status_code, a.response_body,
                   a.error_kind, a.error
            FROM {schema}.attempts a JOIN {schema}.deliveries d ON d.id = a.delivery_id JOIN {schema}.messages m ON m.id = d.message_id
            {{whereAndOrder}};
            """,
            reader => new DeliveryAttempt(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                TimeSpan.FromMicroseconds(reader.GetInt64(6)),
                NullableInteger(reader, 7),
                NullableText(reader, 8),
                (AttemptErrorKind)reader.GetInt16(9),
                NullableText(reader, 10)),
            cancellationToken,
            parameters).ConfigureAwait(false);
}
