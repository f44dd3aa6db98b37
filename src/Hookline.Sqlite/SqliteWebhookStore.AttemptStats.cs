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

    public async Task<IReadOnlyList<WebhookAttemptHour>> QueryAttemptStatsAsync(
        WebhookAttemptStatsQuery query, CancellationToken cancellationToken) =>
        await ReadAsync(
            """
            SELECT h.endpoint_id, h.hour, h.succeeded, h.failed, h.last_failed_at, h.last_failed_status_code, h.last_failed_error_kind,
                   h.last_failed_error
            FROM endpoints e JOIN attempt_hours h ON h.endpoint_id = e.id AND h.hour >= $since
            WHERE e.tenant = $tenant AND ($endpoint IS NULL OR e.id = $endpoint)
            ORDER BY h.endpoint_id, h.hour;
            """,
            reader => new WebhookAttemptHour(
                reader.GetString(0),
                FromUnix(reader.GetInt64(1)),
                reader.GetInt32(2),
                reader.GetInt32(3),
                reader.IsDBNull(4)
                    ? null
                    : new WebhookLastFailure(
                        FromUnix(reader.GetInt64(4)),
                        reader.IsDBNull(5) ? null : reader.GetInt32(5),
                        (WebhookAttemptErrorKind)reader.GetInt32(6),
                        NullableText(reader, 7))),
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$endpoint", query.EndpointId),
            ("$since", ToUnix(query.Since))).ConfigureAwait(false);

    /// <summary>
    /// Each endpoint's newest hour with a success, by the primary key from its newest hour down: one row for an endpoint whose
    /// latest hour had one, a row an hour it has been failing since otherwise. Hours counted before their latest success was kept,
    /// whose attempts were gone when it came, answer their start.
    /// </summary>
    internal const string LastSuccessesSql =
        """
        SELECT e.id, (SELECT ifnull(h.last_succeeded_at, h.hour) FROM attempt_hours h
                      WHERE h.endpoint_id = e.id AND h.succeeded > 0
                      ORDER BY h.hour DESC
                      LIMIT 1)
        FROM endpoints e
        WHERE e.tenant = $tenant AND ($endpoint IS NULL OR e.id = $endpoint);
        """;

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> QueryLastSuccessesAsync(
        string tenant, string? endpointId, CancellationToken cancellationToken) =>
        (await ReadAsync(
            LastSuccessesSql,
            reader => (Id: reader.GetString(0), At: NullableTime(reader, 1)),
            cancellationToken,
            ("$tenant", tenant),
            ("$endpoint", endpointId)).ConfigureAwait(false))
        .Where(e => e.At is not null)
        .ToDictionary(e => e.Id, e => e.At!.Value, StringComparer.Ordinal);

    /// <summary>Counts recorded attempts into their endpoint's hour, in the transaction that records them.</summary>
    private async Task CountAttemptsAsync(
        SqliteTransaction transaction, IReadOnlyList<WebhookCompletedAttempt> results, CancellationToken cancellationToken)
    {
        // A later failure of the hour replaces the one kept; an earlier one (a batch finishing late) does not.
        const string Newer =
            "excluded.last_failed_at IS NOT NULL AND (last_failed_at IS NULL OR excluded.last_failed_at >= last_failed_at)";
        var count = Prepared(
            transaction,
            $"""
            INSERT INTO attempt_hours
                (endpoint_id, hour, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error,
                 last_succeeded_at)
            VALUES ($endpoint, $hour, $succeeded, $failed, $failed_at, $status, $kind, $error, $succeeded_at)
            ON CONFLICT (endpoint_id, hour) DO UPDATE SET
                succeeded = succeeded + excluded.succeeded,
                failed = failed + excluded.failed,
                last_succeeded_at = CASE WHEN excluded.last_succeeded_at > ifnull(last_succeeded_at, -1)
                                         THEN excluded.last_succeeded_at ELSE last_succeeded_at END,
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
            ("$error", null),
            ("$succeeded_at", null));

        // One statement an endpoint and hour of the batch, not one an attempt.
        foreach (var hour in results.GroupBy(r => (r.EndpointId, Hour: ToUnix(r.StartedAt) / HourMs * HourMs)))
        {
            var (succeeded, failed) = (0, 0);
            WebhookCompletedAttempt? lastFailure = null;
            DateTimeOffset? lastSuccess = null;
            foreach (var result in hour)
            {
                if (result.ErrorKind == WebhookAttemptErrorKind.None)
                {
                    succeeded++;
                    lastSuccess = lastSuccess is null || result.StartedAt > lastSuccess ? result.StartedAt : lastSuccess;
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
            count.Parameters["$succeeded_at"].Value = lastSuccess is { } success ? ToUnix(success) : DBNull.Value;
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
