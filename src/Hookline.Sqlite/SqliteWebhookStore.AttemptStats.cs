using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

/// <summary>
/// Attempts counted per endpoint and hour (<c>attempt_hours</c>), kept as attempts are recorded: the stats of a week read at most
/// 168 rows an endpoint, by their primary key, however many attempts the log holds.
/// </summary>
internal sealed partial class SqliteWebhookStore
{
    private const long HourMs = 3_600_000;

    public async Task<IReadOnlyList<AttemptHour>> QueryAttemptStatsAsync(AttemptStatsQuery query, CancellationToken cancellationToken) =>
        await ReadAsync(
            """
            SELECT h.endpoint_id, h.hour, h.succeeded, h.failed, h.last_failed_at, h.last_failed_status_code, h.last_failed_error_kind,
                   h.last_failed_error
            FROM endpoints e JOIN attempt_hours h ON h.endpoint_id = e.id AND h.hour >= $since
            WHERE e.tenant = $tenant AND ($endpoint IS NULL OR e.id = $endpoint)
            ORDER BY h.endpoint_id, h.hour;
            """,
            reader => new AttemptHour(
                reader.GetString(0),
                FromUnix(reader.GetInt64(1)),
                reader.GetInt32(2),
                reader.GetInt32(3),
                reader.IsDBNull(4)
                    ? null
                    : new AttemptFailure(
                        FromUnix(reader.GetInt64(4)),
                        reader.IsDBNull(5) ? null : reader.GetInt32(5),
                        (AttemptErrorKind)reader.GetInt32(6),
                        NullableText(reader, 7))),
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$endpoint", query.EndpointId),
            ("$since", ToUnix(query.Since))).ConfigureAwait(false);

    /// <summary>Counts recorded attempts into their endpoint's hour, in the transaction that records them.</summary>
    private async Task CountAttemptsAsync(SqliteTransaction transaction, IReadOnlyList<AttemptResult> results, CancellationToken cancellationToken)
    {
        // A later failure of the hour replaces the one kept; an earlier one (a batch finishing late) does not.
        const string Newer =
            "excluded.last_failed_at IS NOT NULL AND (last_failed_at IS NULL OR excluded.last_failed_at >= last_failed_at)";
        var count = Prepared(
            transaction,
            $"""
            INSERT INTO attempt_hours
                (endpoint_id, hour, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error)
            VALUES ($endpoint, $hour, $succeeded, $failed, $failed_at, $status, $kind, $error)
            ON CONFLICT (endpoint_id, hour) DO UPDATE SET
                succeeded = succeeded + excluded.succeeded,
                failed = failed + excluded.failed,
                last_failed_at = CASE WHEN {Newer} THEN excluded.last_failed_at ELSE last_failed_at END,
                last_failed_status_code = CASE WHEN {Newer} THEN excluded.last_failed_status_code ELSE last_failed_status_code END,
                last_failed_error_kind = CASE WHEN {Newer} THEN excluded.last_failed_error_kind ELSE last_failed_error_kind END,
                last_failed_error = CASE WHEN {Newer} THEN excluded.last_failed_error ELSE last_failed_error END;
            """,
            ("$endpoint", null),
            ("$hour", null),
            ("$succeeded", null),
            ("$failed", null),
            ("$failed_at", null),
            ("$status", null),
            ("$kind", null),
            ("$error", null));

        // One statement an endpoint and hour of the batch, not one an attempt.
        foreach (var hour in results.GroupBy(r => (r.EndpointId, Hour: ToUnix(r.StartedAt) / HourMs * HourMs)))
        {
            var (succeeded, failed) = (0, 0);
            AttemptResult? lastFailure = null;
            foreach (var result in hour)
            {
                if (result.ErrorKind == AttemptErrorKind.None)
                {
                    succeeded++;
                }
                else
                {
                    failed++;
                    lastFailure = lastFailure is null || result.StartedAt >= lastFailure.StartedAt ? result : lastFailure;
                }
            }

            count.Parameters["$endpoint"].Value = hour.Key.EndpointId;
            count.Parameters["$hour"].Value = hour.Key.Hour;
            count.Parameters["$succeeded"].Value = succeeded;
            count.Parameters["$failed"].Value = failed;
            count.Parameters["$failed_at"].Value = lastFailure is null ? DBNull.Value : ToUnix(lastFailure.StartedAt);
            count.Parameters["$status"].Value = lastFailure?.StatusCode is { } status ? status : DBNull.Value;
            count.Parameters["$kind"].Value = lastFailure is null ? DBNull.Value : (int)lastFailure.ErrorKind;
            count.Parameters["$error"].Value = lastFailure?.Error is { } error ? error : DBNull.Value;
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hours older than a week before <paramref name="before"/>: past both the retention and the week the stats show.</summary>
    private Task<int> PurgeAttemptHoursAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM attempt_hours WHERE hour < $before;",
                cancellationToken,
                ("$before", ToUnix(before.AddDays(-7)))),
            cancellationToken);
}
