using System.Data.Common;
using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    /// <summary>
    /// The channel every append notifies at commit (<c>pg_notify</c>), so that instances listening learn of new messages at once.
    /// </summary>
    internal string Channel => ChannelName(_schema);

    /// <summary>
    /// The notification channel of the store in <paramref name="schema"/>; <see cref="PostgreSqlMessageListener"/> listens on it.
    /// </summary>
    internal static string ChannelName(string schema) => $"{schema}_messages";

    public Task<IReadOnlyList<WebhookPublishResult>> AppendAsync(
        IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<WebhookPublishResult>>(
            async (connection, transaction) =>
            {
                var results = await InsertAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await NotifyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return results;
            },
            cancellationToken);

    public async Task<WebhookPublishResult> AppendAsync(
        WebhookNewMessage message, DbTransaction transaction, CancellationToken cancellationToken)
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
            ?? throw new InvalidOperationException(
                "The transaction has already been committed or rolled back; publish before committing it.");
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

    /// <summary>Inserts a batch of messages in one statement: a round trip per message would cost more than its rows.</summary>
    private async Task<List<WebhookPublishResult>> InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<WebhookNewMessage> messages,
        CancellationToken cancellationToken)
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
                $"The idempotency key '{message.IdempotencyKey}' is taken by a message this transaction cannot see "
                + "(its snapshot is older); "
                + "retry the transaction."),
            IsRepeat: true);
    }

    /// <summary>
    /// Tells listening instances, at commit, that messages wait to be expanded (notifications of one transaction coalesce).
    /// </summary>
    private Task<int> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "SELECT pg_notify(@channel, '');", cancellationToken, Text("channel", Channel));
}
