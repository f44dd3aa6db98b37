using Hookline.Storage;

namespace Hookline.Sqlite;

/// <summary>Appending messages (<see cref="IWebhookMessageAppender"/>), fanned out to matching endpoints in the same transaction.</summary>
internal sealed partial class SqliteWebhookStore : IWebhookMessageAppender
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
}
