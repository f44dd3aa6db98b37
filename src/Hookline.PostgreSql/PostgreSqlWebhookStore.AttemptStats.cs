using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

/// <summary>
/// Attempts counted per endpoint and hour (<c>attempt_hours</c>), kept as attempts are recorded: the stats of a week read at most
/// 168 hours an endpoint (each in a few shards), by their primary key, however many attempts the log holds.
/// </summary>
internal sealed partial class PostgreSqlWebhookStore
{
    public async Task<IReadOnlyList<WebhookAttemptHour>> QueryAttemptStatsAsync(
        WebhookAttemptStatsQuery query, CancellationToken cancellationToken) =>
        await ReadAsync(
            """
            SELECT h.endpoint_id, h.hour, sum(h.succeeded)::integer, sum(h.failed)::integer, max(h.last_failed_at),
                   (array_agg(h.last_failed_status_code ORDER BY h.last_failed_at DESC NULLS LAST, h.shard))[1],
                   (array_agg(h.last_failed_error_kind ORDER BY h.last_failed_at DESC NULLS LAST, h.shard))[1],
                   (array_agg(h.last_failed_error ORDER BY h.last_failed_at DESC NULLS LAST, h.shard))[1]
            FROM {schema}.endpoints e JOIN {schema}.attempt_hours h ON h.endpoint_id = e.id AND h.hour >= @since
            WHERE e.tenant = @tenant AND (@endpoint IS NULL OR e.id = @endpoint)
            GROUP BY h.endpoint_id, h.hour
            ORDER BY h.endpoint_id, h.hour;
            """,
            reader => new WebhookAttemptHour(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                NullableTime(reader, 4) is { } failedAt
                    ? new WebhookLastFailure(
                        failedAt, NullableInteger(reader, 5), (WebhookAttemptErrorKind)reader.GetInt16(6), NullableText(reader, 7))
                    : null),
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("endpoint", query.EndpointId),
            Time("since", query.Since)).ConfigureAwait(false);

    /// <summary>
    /// Each endpoint's newest hour with a success, by the primary key from its newest hour down (the shards of an hour sorted
    /// among themselves): a few rows for an endpoint whose latest hour had one, those of every hour it has been failing since
    /// otherwise. Hours counted before their latest success was kept, whose attempts were gone when it came, answer their start.
    /// </summary>
    internal const string LastSuccessesSql =
        """
        SELECT e.id, s.at
        FROM {schema}.endpoints e
        CROSS JOIN LATERAL (
            SELECT coalesce(h.last_succeeded_at, h.hour) AS at FROM {schema}.attempt_hours h
            WHERE h.endpoint_id = e.id AND h.succeeded > 0
            ORDER BY h.hour DESC, h.last_succeeded_at DESC NULLS LAST
            LIMIT 1) s
        WHERE e.tenant = @tenant AND (@endpoint IS NULL OR e.id = @endpoint);
        """;

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> QueryLastSuccessesAsync(
        string tenant, string? endpointId, CancellationToken cancellationToken) =>
        (await ReadAsync(
            LastSuccessesSql,
            reader => (Id: reader.GetString(0), At: reader.GetFieldValue<DateTimeOffset>(1)),
            cancellationToken,
            Text("tenant", tenant),
            Text("endpoint", endpointId)).ConfigureAwait(false))
        .ToDictionary(e => e.Id, e => e.At, StringComparer.Ordinal);

    /// <summary>
    /// Counts recorded attempts into their endpoint's hour, in the transaction that records them: one statement for the batch,
    /// into this connection's shard of each hour, so that instances recording at once seldom wait for one another's row; it
    /// locks its rows in (endpoint, hour) order, so that they never deadlock on them.
    /// </summary>
    private Task<int> CountAttemptsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<WebhookCompletedAttempt> results,
        CancellationToken cancellationToken)
    {
        // A later failure of the hour replaces the one kept; an earlier one (a batch finishing late) does not.
        const string Newer =
            "excluded.last_failed_at IS NOT NULL AND (h.last_failed_at IS NULL OR excluded.last_failed_at >= h.last_failed_at)";
        return ExecuteAsync(
            connection,
            transaction,
            $$"""
            INSERT INTO {schema}.attempt_hours AS h
                (endpoint_id, hour, shard, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind,
                 last_failed_error, last_succeeded_at)
            SELECT r.endpoint_id, date_trunc('hour', r.started_at, 'UTC'), pg_backend_pid() % 8,
                   count(*) FILTER (WHERE r.kind = 0), count(*) FILTER (WHERE r.kind <> 0),
                   max(r.started_at) FILTER (WHERE r.kind <> 0),
                   (array_agg(r.status_code ORDER BY r.started_at DESC, r.n DESC) FILTER (WHERE r.kind <> 0))[1],
                   (array_agg(r.kind ORDER BY r.started_at DESC, r.n DESC) FILTER (WHERE r.kind <> 0))[1],
                   (array_agg(r.error ORDER BY r.started_at DESC, r.n DESC) FILTER (WHERE r.kind <> 0))[1],
                   max(r.started_at) FILTER (WHERE r.kind = 0)
            FROM unnest(@endpoints, @started, @status, @kind, @error) WITH ORDINALITY
                AS r (endpoint_id, started_at, status_code, kind, error, n)
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT (endpoint_id, hour, shard) DO UPDATE SET
                succeeded = h.succeeded + excluded.succeeded,
                failed = h.failed + excluded.failed,
                last_succeeded_at = greatest(h.last_succeeded_at, excluded.last_succeeded_at),
                last_failed_at = CASE WHEN {{Newer}} THEN excluded.last_failed_at ELSE h.last_failed_at END,
                last_failed_status_code = CASE WHEN {{Newer}} THEN excluded.last_failed_status_code ELSE h.last_failed_status_code END,
                last_failed_error_kind = CASE WHEN {{Newer}} THEN excluded.last_failed_error_kind ELSE h.last_failed_error_kind END,
                last_failed_error = CASE WHEN {{Newer}} THEN excluded.last_failed_error ELSE h.last_failed_error END;
            """,
            cancellationToken,
            Parameter("endpoints", NpgsqlDbType.Array | NpgsqlDbType.Text, results.Select(r => r.EndpointId).ToArray()),
            Parameter(
                "started", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, results.Select(r => Stored(r.StartedAt)).ToArray()),
            Parameter("status", NpgsqlDbType.Array | NpgsqlDbType.Integer, results.Select(r => r.StatusCode).ToArray()),
            Parameter("kind", NpgsqlDbType.Array | NpgsqlDbType.Smallint, results.Select(r => (short)r.ErrorKind).ToArray()),
            Parameter("error", NpgsqlDbType.Array | NpgsqlDbType.Text, results.Select(r => r.Error).ToArray()));
    }

    /// <summary>Hours older than a week before <paramref name="before"/>: past both the retention and the week the stats show.</summary>
    private Task<int> PurgeAttemptHoursAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM {schema}.attempt_hours WHERE hour < @before;",
                cancellationToken,
                Time("before", before.AddDays(-7))),
            cancellationToken);
}
