using System.Text.Json;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

internal sealed partial class SqliteWebhookStore
{
    private const string EndpointColumns =
        "id, tenant, url, description, event_types, enabled, disabled_reason, secrets, created_at, updated_at, failing_since, rate_limit";

    public Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                $"INSERT INTO endpoints ({EndpointColumns}) VALUES ($id, $tenant, $url, $description, $event_types, $enabled, $disabled_reason, $secrets, $created_at, $updated_at, $failing_since, $rate_limit);",
                cancellationToken,
                EndpointParameters(endpoint)),
            cancellationToken);

    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken)
    {
        var endpoints = await QueryEndpointsAsync($"SELECT {EndpointColumns} FROM endpoints WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
        return endpoints.SingleOrDefault();
    }

    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken) =>
        QueryEndpointsAsync($"SELECT {EndpointColumns} FROM endpoints WHERE tenant IS $tenant ORDER BY created_at, id;", cancellationToken, ("$tenant", tenant));

    public Task<bool> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var updated = await ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE endpoints SET tenant = $tenant, url = $url, description = $description, event_types = $event_types,
                        enabled = $enabled, disabled_reason = $disabled_reason, secrets = $secrets, updated_at = $updated_at, failing_since = $failing_since, rate_limit = $rate_limit
                    WHERE id = $id;
                    """,
                    cancellationToken,
                    EndpointParameters(endpoint)).ConfigureAwait(false);
                if (updated > 0 && !endpoint.Enabled)
                {
                    await FailPendingAsync(connection, transaction, endpoint.Id, ToUnix(endpoint.UpdatedAt), cancellationToken).ConfigureAwait(false);
                }

                return updated > 0;
            },
            cancellationToken);

    public Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await ExecuteAsync(connection, transaction, "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE endpoint_id = $id);", cancellationToken, ("$id", id)).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "DELETE FROM deliveries WHERE endpoint_id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false);
                return await ExecuteAsync(connection, transaction, "DELETE FROM endpoints WHERE id = $id;", cancellationToken, ("$id", id)).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    private static Task FailPendingAsync(SqliteConnection connection, SqliteTransaction transaction, string endpointId, long now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            transaction,
            "UPDATE deliveries SET status = 2, lease_owner = NULL, updated_at = $now WHERE endpoint_id = $id AND status = 0;",
            cancellationToken,
            ("$id", endpointId),
            ("$now", now));

    private static (string, object?)[] EndpointParameters(WebhookEndpoint endpoint) =>
    [
        ("$id", endpoint.Id),
        ("$tenant", endpoint.Tenant),
        ("$url", endpoint.Url),
        ("$description", endpoint.Description),
        ("$event_types", endpoint.EventTypes is null ? null : JsonSerializer.Serialize([.. endpoint.EventTypes], SqliteJsonContext.Default.ListString)),
        ("$enabled", endpoint.Enabled),
        ("$disabled_reason", endpoint.DisabledReason),
        ("$secrets", ToJson(endpoint.Secrets)),
        ("$created_at", ToUnix(endpoint.CreatedAt)),
        ("$updated_at", ToUnix(endpoint.UpdatedAt)),
        ("$failing_since", endpoint.FailingSince is { } since ? ToUnix(since) : null),
        ("$rate_limit", endpoint.RateLimit),
    ];

    private async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            sql,
            reader => new WebhookEndpoint
            {
                Id = reader.GetString(0),
                Tenant = reader.IsDBNull(1) ? null : reader.GetString(1),
                Url = reader.GetString(2),
                Description = reader.IsDBNull(3) ? null : reader.GetString(3),
                EventTypes = reader.IsDBNull(4) ? null : JsonSerializer.Deserialize(reader.GetString(4), SqliteJsonContext.Default.ListString),
                Enabled = reader.GetBoolean(5),
                DisabledReason = reader.IsDBNull(6) ? null : reader.GetString(6),
                Secrets = SecretsFromJson(reader.GetString(7)),
                CreatedAt = FromUnix(reader.GetInt64(8)),
                UpdatedAt = FromUnix(reader.GetInt64(9)),
                FailingSince = reader.IsDBNull(10) ? null : FromUnix(reader.GetInt64(10)),
                RateLimit = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            },
            cancellationToken,
            parameters).ConfigureAwait(false);
}
