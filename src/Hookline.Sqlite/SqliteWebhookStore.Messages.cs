using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

internal sealed partial class SqliteWebhookStore
{
    public Task<IReadOnlyList<StoredMessage>> AppendAsync(IReadOnlyList<NewMessage> messages, DeliveryLease? lease, CancellationToken cancellationToken) =>
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
                using var insertDelivery = Command(
                    connection,
                    transaction,
                    "INSERT INTO deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, lease_owner, updated_at) VALUES ($message, $endpoint, 0, 0, $due, $owner, $created_at) RETURNING id;",
                    ("$message", null),
                    ("$endpoint", null),
                    ("$due", null),
                    ("$owner", null),
                    ("$created_at", null));
                using var endpoints = new MatchingEndpoints(connection, transaction);

                var results = new List<StoredMessage>(messages.Count);
                var leaseRoom = lease?.Max ?? 0;
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

                    // One delivery per matching endpoint: leased to the lease's owner while it has room
                    // (due when the lease ends), otherwise pending and due now.
                    var matching = await endpoints.ForAsync(message, cancellationToken).ConfigureAwait(false);
                    var leased = new List<LeasedDelivery>();
                    insertDelivery.Parameters["$message"].Value = message.Id;
                    insertDelivery.Parameters["$created_at"].Value = createdAt;
                    foreach (var endpoint in matching)
                    {
                        var leasing = leaseRoom > 0;
                        insertDelivery.Parameters["$endpoint"].Value = endpoint.Id;
                        insertDelivery.Parameters["$due"].Value = leasing ? ToUnix(lease!.Until) : createdAt;
                        insertDelivery.Parameters["$owner"].Value = leasing ? lease!.Owner : DBNull.Value;
                        var id = (long)(await insertDelivery.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                        if (leasing)
                        {
                            leased.Add(endpoint.Lease(id, message));
                            leaseRoom--;
                        }
                    }

                    results.Add(new StoredMessage(message.Id, matching.Count, IsRepeat: false) { Leased = leased });
                }

                return results;
            },
            cancellationToken);

    /// <summary>
    /// The enabled endpoints a message goes to: of its tenant (or of every tenant), with an event filter
    /// that is empty (all) or names its webhook, or only the one it names. Read once per kind of message
    /// in a transaction.
    /// </summary>
    private sealed class MatchingEndpoints(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
    {
        private readonly SqliteCommand _select = Command(
            connection,
            transaction,
            """
            SELECT e.id, e.url, e.secrets, e.failing_since, e.rate_limit FROM endpoints e
            WHERE e.enabled = 1
              AND ($tenant IS NULL OR e.tenant = $tenant)
              AND ($endpoint IS NULL OR e.id = $endpoint)
              AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = $webhook));
            """,
            ("$tenant", null),
            ("$webhook", null),
            ("$endpoint", null));

        private readonly Dictionary<(string?, string, string?), List<MatchingEndpoint>> _read = [];

        public async Task<List<MatchingEndpoint>> ForAsync(NewMessage message, CancellationToken cancellationToken)
        {
            if (_read.TryGetValue((message.Tenant, message.Webhook, message.EndpointId), out var matching))
            {
                return matching;
            }

            _select.Parameters["$tenant"].Value = (object?)message.Tenant ?? DBNull.Value;
            _select.Parameters["$webhook"].Value = message.Webhook;
            _select.Parameters["$endpoint"].Value = (object?)message.EndpointId ?? DBNull.Value;
            matching = [];
            using (var reader = await _select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    matching.Add(new MatchingEndpoint(
                        reader.GetString(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.IsDBNull(3) ? null : FromUnix(reader.GetInt64(3)),
                        reader.IsDBNull(4) ? null : reader.GetInt32(4)));
                }
            }

            _read[(message.Tenant, message.Webhook, message.EndpointId)] = matching;
            return matching;
        }

        public void Dispose() => _select.Dispose();
    }

    private sealed record MatchingEndpoint(string Id, string Url, string SecretsJson, DateTimeOffset? FailingSince, int? RateLimit)
    {
        private List<WebhookEndpointSecret>? _secrets;

        public LeasedDelivery Lease(long deliveryId, NewMessage message) => new()
        {
            Id = deliveryId,
            Attempts = 0,
            MessageId = message.Id,
            Webhook = message.Webhook,
            Method = message.Method,
            Payload = message.Payload,
            EndpointId = Id,
            Url = Url,
            Secrets = _secrets ??= SecretsFromJson(SecretsJson),
            FailingSince = FailingSince,
            RateLimit = RateLimit,
        };
    }

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

    private async Task<IReadOnlyList<WebhookMessage>> ReadMessagesAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(connection, null, $"SELECT m.id, m.webhook, m.method, m.tenant, m.payload, m.created_at FROM messages m {where};", parameters);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var messages = new List<WebhookMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(new WebhookMessage(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                (byte[])reader.GetValue(4),
                FromUnix(reader.GetInt64(5))));
        }

        return messages;
    }

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
