using System.Text.Json;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

/// <summary>Endpoints (<see cref="IWebhookEndpointStore"/>), written compare-and-set on their version.</summary>
internal sealed partial class SqliteWebhookStore : IWebhookEndpointStore
{
    /// <summary>A polling endpoint's stored URL: the column is NOT NULL, and no URL an endpoint may have is empty.</summary>
    private const string PollingUrl = "";

    private const string EndpointColumns =
        "id, tenant, url, description, event_types, enabled, disabled_reason, secrets, created_at, updated_at, failing_since, rate_limit, "
        + "version, consecutive_failures, last_failed_at, ordering, filters";

    public Task<bool> CreateEndpointAsync(WebhookEndpoint endpoint, int? maxPerTenant, CancellationToken cancellationToken) =>
        WriteAsync(
            // One statement counts and inserts, in the write transaction: creates racing at the cap never both succeed.
            async (connection, transaction) => await ExecuteAsync(
                connection,
                transaction,
                $"""
                INSERT INTO endpoints ({EndpointColumns})
                SELECT $id, $tenant, $url, $description, $event_types, $enabled, $disabled_reason, $secrets, $created_at, $updated_at,
                       $failing_since, $rate_limit, $version, $consecutive_failures, $last_failed_at, $ordering, $filters
                WHERE $max IS NULL OR (SELECT count(*) FROM endpoints WHERE tenant IS $tenant) < $max;
                """,
                cancellationToken,
                [.. EndpointParameters(endpoint), ("$max", maxPerTenant)]).ConfigureAwait(false) > 0,
            cancellationToken);

    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken)
    {
        var endpoints = await QueryEndpointsAsync(
                $"SELECT {EndpointColumns} FROM endpoints WHERE id = $id;", cancellationToken, ("$id", id))
            .ConfigureAwait(false);
        return endpoints.SingleOrDefault();
    }

    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken) =>
        QueryEndpointsAsync(
            $"SELECT {EndpointColumns} FROM endpoints WHERE tenant IS $tenant ORDER BY created_at, id;",
            cancellationToken,
            ("$tenant", tenant));

    public Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(WebhookEndpointQuery query, CancellationToken cancellationToken) =>
        QueryEndpointsAsync(
            // Two statements rather than "$before IS NULL OR ...", which would keep SQLite from seeking the index to the cursor.
            query.Before is null
                ? $"SELECT {EndpointColumns} FROM endpoints WHERE tenant IS $tenant ORDER BY id DESC LIMIT $limit;"
                : $"SELECT {EndpointColumns} FROM endpoints WHERE tenant IS $tenant AND id < $before ORDER BY id DESC LIMIT $limit;",
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$before", query.Before),
            ("$limit", query.Limit));

    public Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var updated = await ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE endpoints SET tenant = $tenant, url = $url, description = $description, event_types = $event_types,
                        enabled = $enabled, disabled_reason = $disabled_reason, secrets = $secrets, updated_at = $updated_at,
                        failing_since = $failing_since, rate_limit = $rate_limit, version = version + 1,
                        consecutive_failures = $consecutive_failures, last_failed_at = $last_failed_at, ordering = $ordering,
                        filters = $filters, due_at = (SELECT min(next_attempt_at) FROM deliveries WHERE endpoint_id = $id AND status = 0)
                    WHERE id = $id AND version = $version;
                    """,
                    cancellationToken,
                    EndpointParameters(endpoint)).ConfigureAwait(false);
                if (updated == 0)
                {
                    return await VersionAsync(connection, transaction, endpoint.Id, cancellationToken).ConfigureAwait(false) is null
                        ? WebhookEndpointWrite.NotFound
                        : WebhookEndpointWrite.Stale;
                }

                if (!endpoint.Enabled)
                {
                    await FailPendingAsync(connection, transaction, endpoint.Id, ToUnix(endpoint.UpdatedAt), cancellationToken)
                        .ConfigureAwait(false);
                }

                if (endpoint.Ordering != WebhookOrdering.Ordered)
                {
                    // Nothing waits behind a delivery given up on any more: it is failed, as the endpoint's ordering now makes it.
                    const string Unblock = "UPDATE deliveries SET status = 2, updated_at = $now WHERE endpoint_id = $id AND status = 3;";
                    await ExecuteAsync(
                        connection, transaction, Unblock, cancellationToken, ("$id", endpoint.Id), ("$now", ToUnix(endpoint.UpdatedAt)))
                        .ConfigureAwait(false);
                }

                return WebhookEndpointWrite.Written;
            },
            cancellationToken);

    public Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var current = await VersionAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return WebhookEndpointWrite.NotFound;
                }

                if (version is not null && version != current)
                {
                    return WebhookEndpointWrite.Stale;
                }

                await ExecuteAsync(
                        connection,
                        transaction,
                        "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE endpoint_id = $id);",
                        cancellationToken,
                        ("$id", id))
                    .ConfigureAwait(false);
                await ExecuteAsync(
                        connection, transaction, "DELETE FROM deliveries WHERE endpoint_id = $id;", cancellationToken, ("$id", id))
                    .ConfigureAwait(false);
                await ExecuteAsync(
                        connection, transaction, "DELETE FROM attempt_hours WHERE endpoint_id = $id;", cancellationToken, ("$id", id))
                    .ConfigureAwait(false);
                await ExecuteAsync(
                        connection, transaction, "DELETE FROM endpoints WHERE id = $id;", cancellationToken, ("$id", id))
                    .ConfigureAwait(false);
                return WebhookEndpointWrite.Written;
            },
            cancellationToken);

    /// <summary>The stored version of an endpoint, read in the write transaction; <see langword="null"/> if there is none.</summary>
    private static async Task<long?> VersionAsync(
        SqliteConnection connection, SqliteTransaction transaction, string id, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, "SELECT version FROM endpoints WHERE id = $id;", cancellationToken, ("$id", id))
            .ConfigureAwait(false) is long version ? version : null;

    /// <summary>
    /// Fails a disabled endpoint's pending deliveries. One in flight keeps its lease: its attempt's outcome is logged but not
    /// applied (it is no longer pending), and a recover before its lease ends waits for it rather than sending it twice at once.
    /// </summary>
    private static Task FailPendingAsync(
        SqliteConnection connection, SqliteTransaction transaction, string endpointId, long now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            transaction,
            "UPDATE deliveries SET status = 2, updated_at = $now WHERE endpoint_id = $id AND status = 0;",
            cancellationToken,
            ("$id", endpointId),
            ("$now", now));

    private static (string, object?)[] EndpointParameters(WebhookEndpoint endpoint) =>
    [
        ("$id", endpoint.Id),
        ("$tenant", endpoint.Tenant),
        ("$url", endpoint.Url ?? PollingUrl),
        ("$description", endpoint.Description),
        ("$event_types", endpoint.EventTypes is null
            ? null
            : JsonSerializer.Serialize([.. endpoint.EventTypes], SqliteJsonContext.Default.ListString)),
        ("$enabled", endpoint.Enabled),
        ("$disabled_reason", endpoint.DisabledReason),
        ("$secrets", ToJson(endpoint.Secrets)),
        ("$created_at", ToUnix(endpoint.CreatedAt)),
        ("$updated_at", ToUnix(endpoint.UpdatedAt)),
        ("$failing_since", endpoint.FailingSince is { } since ? ToUnix(since) : null),
        ("$rate_limit", endpoint.RateLimit),
        ("$version", endpoint.Version),
        ("$consecutive_failures", endpoint.ConsecutiveFailures),
        ("$last_failed_at", endpoint.LastFailedAt is { } failedAt ? ToUnix(failedAt) : null),
        ("$ordering", (int)endpoint.Ordering),
        ("$filters", endpoint.Filters is null ? null : JsonSerializer.Serialize(
            endpoint.Filters.ToDictionary(StringComparer.Ordinal), SqliteJsonContext.Default.DictionaryStringString)),
    ];

    private async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(
        string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            sql,
            reader => new WebhookEndpoint
            {
                Id = reader.GetString(0),
                Tenant = NullableText(reader, 1),
                Url = reader.GetString(2) is { Length: > 0 } url ? url : null,
                Description = NullableText(reader, 3),
                EventTypes = reader.IsDBNull(4)
                    ? null
                    : JsonSerializer.Deserialize(reader.GetString(4), SqliteJsonContext.Default.ListString),
                Enabled = reader.GetBoolean(5),
                DisabledReason = NullableText(reader, 6),
                Secrets = SecretsFromJson(reader.GetString(7)),
                CreatedAt = FromUnix(reader.GetInt64(8)),
                UpdatedAt = FromUnix(reader.GetInt64(9)),
                FailingSince = NullableTime(reader, 10),
                RateLimit = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                Version = reader.GetInt64(12),
                ConsecutiveFailures = reader.IsDBNull(13) ? null : reader.GetInt32(13),
                LastFailedAt = NullableTime(reader, 14),
                Ordering = (WebhookOrdering)reader.GetInt32(15),
                Filters = reader.IsDBNull(16) ? null
                    : JsonSerializer.Deserialize(reader.GetString(16), SqliteJsonContext.Default.DictionaryStringString),
            },
            cancellationToken,
            parameters).ConfigureAwait(false);
}
