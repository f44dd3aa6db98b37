using System.Data.Common;
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

    public Task<IReadOnlyList<WebhookPublishResult>> AppendAsync(
        IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<WebhookPublishResult>>(
            (connection, transaction) => InsertAsync(connection, transaction, messages, cancellationToken),
            cancellationToken);

    public async Task<WebhookPublishResult> AppendAsync(
        WebhookNewMessage message, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not SqliteTransaction sqlite)
        {
            throw new ArgumentException(
                $"The SQLite webhook store (UseSqlite) publishes in a Microsoft.Data.Sqlite SqliteTransaction on its own database file; "
                + $"this is a '{transaction.GetType().FullName}'. "
                + "For PostgreSQL, use Hookline.PostgreSql (UsePostgreSql) and an NpgsqlTransaction.",
                nameof(transaction));
        }

        var connection = sqlite.Connection
            ?? throw new InvalidOperationException(
                "The transaction has already been committed or rolled back; publish before committing it.");
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

    /// <summary>
    /// The full path of the store's database file, as SQLite names it (what <see cref="SqliteConnection.DataSource"/> says once
    /// open).
    /// </summary>
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
        SqliteConnection connection,
        SqliteTransaction transaction,
        IReadOnlyList<WebhookNewMessage> messages,
        CancellationToken cancellationToken)
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
}
