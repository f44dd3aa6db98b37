using System.Text.Json;
using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    private const string EndpointColumns =
        "id, tenant, url, description, event_types, enabled, disabled_reason, secrets, created_at, updated_at, failing_since, rate_limit, "
        + "version, consecutive_failures, last_failed_at, ordering, filters";

    public Task<bool> CreateEndpointAsync(WebhookEndpoint endpoint, int? maxPerTenant, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                if (maxPerTenant is not null)
                {
                    // Creates for one tenant take turns until their transactions end, so the count (a statement begun after the lock
                    // is held) sees every endpoint the others stored: creates racing at the cap, on any instance, never both succeed.
                    await ExecuteAsync(
                        connection,
                        transaction,
                        "SELECT pg_advisory_xact_lock(hashtext(@lock));",
                        cancellationToken,
                        Text("lock", $"hookline:{_schema}:endpoints:{endpoint.Tenant}")).ConfigureAwait(false);
                }

                return await ExecuteAsync(
                    connection,
                    transaction,
                    $$"""
                    INSERT INTO {schema}.endpoints ({{EndpointColumns}})
                    SELECT @id, @tenant, @url, @description, @event_types, @enabled, @disabled_reason, @secrets, @created_at, @updated_at,
                           @failing_since, @rate_limit, @version, @consecutive_failures, @last_failed_at, @ordering, @filters
                    WHERE @max IS NULL OR (SELECT count(*) FROM {schema}.endpoints WHERE {{TenantIs(endpoint.Tenant)}}) < @max;
                    """,
                    cancellationToken,
                    [.. EndpointParameters(endpoint), Integer("max", maxPerTenant)]).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken) =>
        (await ReadEndpointsAsync($"SELECT {EndpointColumns} FROM {{schema}}.endpoints WHERE id = @id;", cancellationToken, Text("id", id))
            .ConfigureAwait(false)).SingleOrDefault();

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken) =>
        await ReadEndpointsAsync(
            $"SELECT {EndpointColumns} FROM {{schema}}.endpoints WHERE {TenantIs(tenant)} ORDER BY created_at, id;",
            cancellationToken,
            Text("tenant", tenant)).ConfigureAwait(false);

    public async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(
        WebhookEndpointQuery query, CancellationToken cancellationToken) =>
        await ReadEndpointsAsync(
            $$"""
            SELECT {{EndpointColumns}} FROM {schema}.endpoints
            WHERE {{TenantIs(query.Tenant)}} {{(query.Before is null ? "" : "AND id < @before")}}
            ORDER BY id DESC LIMIT @limit;
            """,
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("before", query.Before),
            Integer("limit", query.Limit)).ConfigureAwait(false);

    public Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var updated = await ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE {schema}.endpoints SET tenant = @tenant, url = @url, description = @description, event_types = @event_types,
                        enabled = @enabled, disabled_reason = @disabled_reason, secrets = @secrets, updated_at = @updated_at,
                        failing_since = @failing_since, rate_limit = @rate_limit, version = version + 1,
                        consecutive_failures = @consecutive_failures, last_failed_at = @last_failed_at, ordering = @ordering,
                        filters = @filters,
                        due_at = (SELECT min(next_attempt_at) FROM {schema}.deliveries WHERE endpoint_id = @id AND status = 0)
                    WHERE id = @id AND version = @version;
                    """,
                    cancellationToken,
                    EndpointParameters(endpoint)).ConfigureAwait(false);
                if (updated == 0)
                {
                    return await ExistsAsync(connection, transaction, endpoint.Id, cancellationToken).ConfigureAwait(false)
                        ? WebhookEndpointWrite.Stale
                        : WebhookEndpointWrite.NotFound;
                }

                if (!endpoint.Enabled)
                {
                    await FailPendingAsync(connection, transaction, endpoint.Id, endpoint.UpdatedAt, cancellationToken)
                        .ConfigureAwait(false);
                }

                if (endpoint.Ordering != WebhookOrdering.Ordered)
                {
                    // Nothing waits behind a delivery given up on any more: it is failed, as the endpoint's ordering now makes it.
                    await ExecuteAsync(
                        connection,
                        transaction,
                        "UPDATE {schema}.deliveries SET status = 2, updated_at = @now WHERE endpoint_id = @id AND status = 3;",
                        cancellationToken,
                        Text("id", endpoint.Id),
                        Time("now", endpoint.UpdatedAt)).ConfigureAwait(false);
                }

                return WebhookEndpointWrite.Written;
            },
            cancellationToken);

    public Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // Its deliveries and their attempts go with it (ON DELETE CASCADE).
                var deleted = await ExecuteAsync(
                    connection,
                    transaction,
                    "DELETE FROM {schema}.endpoints WHERE id = @id AND (@version IS NULL OR version = @version);",
                    cancellationToken,
                    Text("id", id),
                    Bigint("version", version)).ConfigureAwait(false);
                return deleted > 0 ? WebhookEndpointWrite.Written
                    : await ExistsAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false) ? WebhookEndpointWrite.Stale
                    : WebhookEndpointWrite.NotFound;
            },
            cancellationToken);

    /// <summary>A condition on <c>tenant</c>: equal to <c>@tenant</c>, or null when it is (an index seek either way).</summary>
    private static string TenantIs(string? tenant) => tenant is null ? "tenant IS NULL" : "tenant = @tenant";

    private async Task<bool> ExistsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, "SELECT 1 FROM {schema}.endpoints WHERE id = @id;", cancellationToken, Text("id", id))
            .ConfigureAwait(false) is not null;

    /// <summary>
    /// Fails a disabled endpoint's pending deliveries. One in flight keeps its lease: its attempt's outcome is logged but not
    /// applied (it is no longer pending), and a recover before its lease ends waits for it rather than sending it twice at once.
    /// </summary>
    private Task<int> FailPendingAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string endpointId,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            transaction,
            "UPDATE {schema}.deliveries SET status = 2, updated_at = @now WHERE endpoint_id = @id AND status = 0;",
            cancellationToken,
            Text("id", endpointId),
            Time("now", now));

    private static NpgsqlParameter[] EndpointParameters(WebhookEndpoint endpoint) =>
    [
        Text("id", endpoint.Id),
        Text("tenant", endpoint.Tenant),
        Text("url", endpoint.Url),
        Text("description", endpoint.Description),
        Parameter("event_types", NpgsqlDbType.Array | NpgsqlDbType.Text, endpoint.EventTypes?.ToArray()),
        Boolean("enabled", endpoint.Enabled),
        Text("disabled_reason", endpoint.DisabledReason),
        Text("secrets", ToJson(endpoint.Secrets)),
        Time("created_at", endpoint.CreatedAt),
        Time("updated_at", endpoint.UpdatedAt),
        Time("failing_since", endpoint.FailingSince),
        Integer("rate_limit", endpoint.RateLimit),
        Bigint("version", endpoint.Version),
        Integer("consecutive_failures", endpoint.ConsecutiveFailures),
        Time("last_failed_at", endpoint.LastFailedAt),
        Parameter("ordering", NpgsqlDbType.Smallint, (short)endpoint.Ordering),
        Parameter("filters", NpgsqlDbType.Jsonb, endpoint.Filters is null ? null : JsonSerializer.Serialize(
            endpoint.Filters.ToDictionary(StringComparer.Ordinal), PostgreSqlJsonContext.Default.DictionaryStringString)),
    ];

    private async Task<IReadOnlyList<WebhookEndpoint>> ReadEndpointsAsync(
        string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            sql,
            reader => new WebhookEndpoint
            {
                Id = reader.GetString(0),
                Tenant = NullableText(reader, 1),
                Url = NullableText(reader, 2),
                Description = NullableText(reader, 3),
                EventTypes = reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4),
                Enabled = reader.GetBoolean(5),
                DisabledReason = NullableText(reader, 6),
                Secrets = SecretsFromJson(reader.GetString(7)),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(9),
                FailingSince = NullableTime(reader, 10),
                RateLimit = NullableInteger(reader, 11),
                Version = reader.GetInt64(12),
                ConsecutiveFailures = NullableInteger(reader, 13),
                LastFailedAt = NullableTime(reader, 14),
                Ordering = (WebhookOrdering)reader.GetInt16(15),
                Filters = reader.IsDBNull(16) ? null
                    : JsonSerializer.Deserialize(reader.GetString(16), PostgreSqlJsonContext.Default.DictionaryStringString),
            },
            cancellationToken,
            parameters).ConfigureAwait(false);
}
