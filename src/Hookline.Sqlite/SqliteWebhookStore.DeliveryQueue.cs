using System.Text.Json;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

/// <summary>The delivery queue (<see cref="IWebhookDeliveryQueue"/>): lease, complete, release, resend, recover, backlog, purge.</summary>
internal sealed partial class SqliteWebhookStore : IWebhookDeliveryQueue
{
    public Task<WebhookLeaseResult> LeaseAsync(WebhookLeaseRequest request, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                if (request.Completed.Count > 0)
                {
                    await RecordAsync(connection, transaction, request.Completed, request.Now, cancellationToken).ConfigureAwait(false);
                }

                // The only writer: nothing leases between reading the endpoints' state and writing what the admission decided.
                // The endpoints that may have due deliveries, longest waiting first, each with its leased deliveries counted.
                var admission = new WebhookLeaseAdmission(request);
                var now = ToUnix(request.Now);
                var endpoints = new List<string>();
                var ready = Prepared(
                    transaction,
                    """
                    SELECT e.id, e.tenant, e.rate_limit, e.next_send_at,
                           e.consecutive_failures, e.last_failed_at, e.failing_since, e.due_at,
                           (SELECT count(*) FROM deliveries l
                            WHERE l.endpoint_id = e.id AND l.status = 0 AND l.lease_owner IS NOT NULL AND l.next_attempt_at > $now),
                           e.ordering
                    FROM endpoints e WHERE e.due_at <= $now
                    ORDER BY e.due_at, e.id
                    LIMIT $endpoints;
                    """,
                    ("$now", now),
                    ("$endpoints", admission.EndpointsToRead));
                using (var reader = await ready.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        endpoints.Add(reader.GetString(0));
                        admission.AddEndpoint(new WebhookLeaseEndpoint(reader.GetString(0), NullableText(reader, 1), reader.GetInt32(8))
                        {
                            RateLimit = reader.IsDBNull(2) ? null : reader.GetInt32(2),
                            NextSendAt = NullableTime(reader, 3),
                            ConsecutiveFailures = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                            LastFailedAt = NullableTime(reader, 5),
                            FailingSince = NullableTime(reader, 6),
                            DueAt = NullableTime(reader, 7),
                            Ordered = reader.GetInt32(9) != 0,
                        });
                    }
                }

                // Each endpoint's oldest due deliveries (of an ordered one, the due heads of its keys), as many as it may take and
                // one more (which tells whether some are left).
                var due = Prepared(
                    transaction,
                    """
                    SELECT id, next_attempt_at FROM deliveries
                    WHERE endpoint_id = $endpoint AND status = 0 AND next_attempt_at <= $now
                    ORDER BY next_attempt_at, id
                    LIMIT $limit;
                    """,
                    ("$endpoint", null),
                    ("$now", now),
                    ("$limit", null));
                var heads = Prepared(transaction, DueHeads, ("$endpoint", null), ("$now", now), ("$limit", null));
                foreach (var endpointId in endpoints)
                {
                    var next = admission.IsOrdered(endpointId) ? heads : due;
                    next.Parameters["$endpoint"].Value = endpointId;
                    next.Parameters["$limit"].Value = admission.DueToRead(endpointId);
                    using var reader = await next.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        admission.AddDue(endpointId, reader.GetInt64(0), FromUnix(reader.GetInt64(1)));
                    }
                }

                // A lease moves the delivery's due time to the lease's end: if the owner never completes it, it is simply due
                // again then. A delivery not taken is left as it is.
                var leased = new List<WebhookLeasedDelivery>();
                var lease = Prepared(
                    transaction,
                    "UPDATE deliveries SET next_attempt_at = $until, lease_owner = $owner WHERE id = $id;",
                    ("$until", ToUnix(request.LeaseUntil)),
                    ("$owner", request.Owner),
                    ("$id", null));
                var read = Prepared(
                    transaction,
                    """
                    SELECT d.attempts, d.message_id, m.webhook, m.method, m.payload, e.id, e.tenant, e.url, e.secrets, e.failing_since,
                           e.ordering
                    FROM deliveries d JOIN messages m ON m.id = d.message_id JOIN endpoints e ON e.id = d.endpoint_id
                    WHERE d.id = $id;
                    """,
                    ("$id", null));
                var secrets = new Dictionary<string, IReadOnlyList<WebhookEndpointSecret>>(StringComparer.Ordinal);
                foreach (var id in admission.Admit())
                {
                    lease.Parameters["$id"].Value = id;
                    read.Parameters["$id"].Value = id;
                    await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var endpointId = reader.GetString(5);
                    if (!secrets.TryGetValue(endpointId, out var endpointSecrets))
                    {
                        // Read once a lease: an endpoint's deliveries share them.
                        endpointSecrets = SecretsFromJson(reader.GetString(8));
                        secrets.Add(endpointId, endpointSecrets);
                    }

                    leased.Add(new WebhookLeasedDelivery
                    {
                        Id = id,
                        Attempts = reader.GetInt32(0),
                        MessageId = reader.GetString(1),
                        EventType = reader.GetString(2),
                        Method = reader.GetString(3),
                        Payload = (byte[])reader.GetValue(4),
                        EndpointId = endpointId,
                        Tenant = NullableText(reader, 6),
                        Url = reader.GetString(7),
                        Secrets = endpointSecrets,
                        FailingSince = NullableTime(reader, 9),
                        Ordering = (WebhookOrdering)reader.GetInt32(10),
                    });
                }

                var pace = Prepared(
                    transaction, "UPDATE endpoints SET next_send_at = $at WHERE id = $id;", ("$at", null), ("$id", null));
                foreach (var (endpointId, at) in admission.NextSends)
                {
                    pace.Parameters["$at"].Value = ToUnix(at);
                    pace.Parameters["$id"].Value = endpointId;
                    await pace.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Each endpoint read is due again when the admission says, or else when its next pending delivery is (a retry, or
                // a lease running out, this lease's included): if it has none, it is not due until a delivery is made for it.
                var reschedule = Prepared(
                    transaction,
                    """
                    UPDATE endpoints SET due_at = ifnull($at, (
                        SELECT min(next_attempt_at) FROM deliveries WHERE endpoint_id = $id AND status = 0 AND next_attempt_at > $now))
                    WHERE id = $id;
                    """,
                    ("$at", null),
                    ("$id", null),
                    ("$now", now));
                foreach (var endpointId in admission.Rescheduled)
                {
                    reschedule.Parameters["$at"].Value = admission.DueAgainAt(endpointId) is { } at ? ToUnix(at) : DBNull.Value;
                    reschedule.Parameters["$id"].Value = endpointId;
                    await reschedule.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var nextDue = await Prepared(transaction, "SELECT min(due_at) FROM endpoints WHERE due_at > $now;", ("$now", now))
                    .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return new WebhookLeaseResult(leased, nextDue is long dueAt ? FromUnix(dueAt) : null);
            },
            cancellationToken,
            durable: false);

    /// <summary>
    /// An ordered endpoint's due deliveries that a lease may take (<c>$endpoint</c>, <c>$now</c>, <c>$limit</c>), oldest first: of
    /// each ordering key, its oldest pending or blocked delivery in publish order, if it is pending and due, none of its key is in
    /// flight (one resent behind it may be), and no message before it that the endpoint would receive waits to be expanded.
    /// </summary>
    private const string DueHeads = """
        SELECT h.id, h.next_attempt_at FROM (
            SELECT id, status, next_attempt_at, ordering_key, seq,
                   row_number() OVER (PARTITION BY ordering_key ORDER BY seq, id) AS place
            FROM deliveries WHERE endpoint_id = $endpoint AND status IN (0, 3)) AS h
        JOIN endpoints e ON e.id = $endpoint
        WHERE h.place = 1 AND h.status = 0 AND h.next_attempt_at <= $now
          AND NOT EXISTS (SELECT 1 FROM deliveries x
                          WHERE x.endpoint_id = $endpoint AND x.ordering_key = h.ordering_key AND x.status = 0
                            AND x.lease_owner IS NOT NULL AND x.next_attempt_at > $now)
          AND NOT EXISTS (SELECT 1 FROM unexpanded u
                          WHERE u.ordering_key = h.ordering_key AND u.seq < h.seq
                            AND (u.tenant IS NULL OR u.tenant = e.tenant)
                            AND (u.target_endpoint_id IS NULL OR u.target_endpoint_id = e.id)
                            AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = u.webhook)))
        ORDER BY h.next_attempt_at, h.id
        LIMIT $limit;
        """;

    public Task CompleteAsync(IReadOnlyList<WebhookCompletedAttempt> results, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await RecordAsync(connection, transaction, results, now, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken,
            durable: false);

    /// <summary>
    /// Records attempts and applies their outcome to deliveries and endpoints (<see cref="CompleteAsync"/>), in the caller's
    /// transaction.
    /// </summary>
    private async Task RecordAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        IReadOnlyList<WebhookCompletedAttempt> results,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // An attempt is recorded if its delivery still exists (its endpoint may have been deleted meanwhile: then there is
        // nothing left to record it against, and its id may be another delivery's by now). A delivery is updated only while
        // its lease is still ours (leased again by another dispatcher after ours expired, its outcome wins), and only those
        // attempts move their endpoints' health, then disable them: the batch's order does not matter.
        var insertAttempt = Prepared(
            transaction,
            """
            INSERT INTO attempts (delivery_id, started_at, duration_us, status_code, response_body, error_kind, error)
            SELECT $delivery, $started, $duration, $status, $body, $kind, $error
            WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = $delivery AND endpoint_id = $endpoint);
            """,
            ("$delivery", null),
            ("$endpoint", null),
            ("$started", null),
            ("$duration", null),
            ("$status", null),
            ("$body", null),
            ("$kind", null),
            ("$error", null));
        var updateDelivery = Prepared(
            transaction,
            """
            UPDATE deliveries SET status = $status, attempts = attempts + 1, next_attempt_at = ifnull($next, next_attempt_at),
                lease_owner = NULL, updated_at = $now
            WHERE id = $id AND lease_owner = $owner AND status = 0;
            """,
            ("$status", null),
            ("$next", null),
            ("$now", ToUnix(now)),
            ("$id", null),
            ("$owner", null));
        var recorded = new List<WebhookCompletedAttempt>(results.Count);
        var applied = new List<WebhookCompletedAttempt>(results.Count);
        foreach (var result in results)
        {
            insertAttempt.Parameters["$delivery"].Value = result.DeliveryId;
            insertAttempt.Parameters["$endpoint"].Value = result.EndpointId;
            insertAttempt.Parameters["$started"].Value = ToUnix(result.StartedAt);
            insertAttempt.Parameters["$duration"].Value = (long)(result.Duration.Ticks / TimeSpan.TicksPerMicrosecond);
            insertAttempt.Parameters["$status"].Value = (object?)result.StatusCode ?? DBNull.Value;
            insertAttempt.Parameters["$body"].Value = (object?)result.ResponseBody ?? DBNull.Value;
            insertAttempt.Parameters["$kind"].Value = (int)result.ErrorKind;
            insertAttempt.Parameters["$error"].Value = (object?)result.Error ?? DBNull.Value;
            if (await insertAttempt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            recorded.Add(result);
            updateDelivery.Parameters["$status"].Value = (int)result.Status;
            updateDelivery.Parameters["$next"].Value = result.NextAttemptAt is { } next ? ToUnix(next) : DBNull.Value;
            updateDelivery.Parameters["$id"].Value = result.DeliveryId;
            updateDelivery.Parameters["$owner"].Value = result.LeaseOwner;
            if (await updateDelivery.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                applied.Add(result);
            }
        }

        // Each endpoint's health follows its latest attempt of the batch (one statement an endpoint, not one an attempt); a
        // failure with no success before it in the batch keeps an earlier failing since and adds to the failures in a row. An
        // endpoint whose health changed is due at once: a lease decides what its circuit lets through.
        var markHealth = Prepared(
            transaction,
            """
            UPDATE endpoints SET
                failing_since = CASE WHEN $keep THEN ifnull(failing_since, $from) ELSE $from END,
                consecutive_failures = CASE WHEN $keep THEN ifnull(consecutive_failures, 0) + $failures ELSE $failures END,
                last_failed_at = $last,
                due_at = min(ifnull(due_at, $now), $now),
                version = version + 1
            WHERE id = $id AND (failing_since IS NOT (CASE WHEN $keep THEN ifnull(failing_since, $from) ELSE $from END)
                OR consecutive_failures IS NOT (CASE WHEN $keep THEN ifnull(consecutive_failures, 0) + $failures ELSE $failures END));
            """,
            ("$keep", null),
            ("$from", null),
            ("$failures", null),
            ("$last", null),
            ("$now", ToUnix(now)),
            ("$id", null));

        // An ordered endpoint is due at once after any attempt: the next delivery of the key may go.
        var orderedDue = Prepared(
            transaction,
            "UPDATE endpoints SET due_at = $now WHERE id = $id AND ordering <> 0 AND ifnull(due_at > $now, 1);",
            ("$now", ToUnix(now)),
            ("$id", null));
        foreach (var health in WebhookEndpointHealth.Of(applied))
        {
            orderedDue.Parameters["$id"].Value = health.EndpointId;
            await orderedDue.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            markHealth.Parameters["$keep"].Value = !health.Succeeded && !health.FailingSinceSuccess;
            markHealth.Parameters["$from"].Value = health.FailingFrom is { } from ? ToUnix(from) : DBNull.Value;
            markHealth.Parameters["$failures"].Value = health.Failures;
            markHealth.Parameters["$last"].Value = health.LastFailedAt is { } last ? ToUnix(last) : DBNull.Value;
            markHealth.Parameters["$id"].Value = health.EndpointId;
            await markHealth.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var result in applied.Where(r => r.DisableEndpointReason is not null))
        {
            var disabled = await ExecuteAsync(
                connection,
                transaction,
                """
                UPDATE endpoints SET enabled = 0, disabled_reason = $reason, updated_at = $now, version = version + 1
                WHERE id = $id AND enabled = 1;
                """,
                cancellationToken,
                ("$reason", result.DisableEndpointReason),
                ("$now", ToUnix(now)),
                ("$id", result.EndpointId)).ConfigureAwait(false);
            if (disabled > 0)
            {
                await FailPendingAsync(connection, transaction, result.EndpointId, ToUnix(now), cancellationToken).ConfigureAwait(false);
            }
        }

        await CountAttemptsAsync(transaction, recorded, cancellationToken).ConfigureAwait(false);
    }

    public Task ReleaseAsync(string owner, IReadOnlyList<WebhookReleasedDelivery> deliveries, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                using var release = Command(
                    connection,
                    transaction,
                    """
                    UPDATE deliveries SET next_attempt_at = $due, lease_owner = NULL WHERE id = $id AND lease_owner = $owner AND status = 0;
                    UPDATE endpoints SET due_at = $due
                    WHERE id = (SELECT endpoint_id FROM deliveries WHERE id = $id) AND ifnull(due_at > $due, 1);
                    """,
                    ("$due", null),
                    ("$id", null),
                    ("$owner", owner));
                foreach (var delivery in deliveries)
                {
                    release.Parameters["$due"].Value = ToUnix(delivery.DueAt);
                    release.Parameters["$id"].Value = delivery.Id;
                    await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken,
            durable: false);

    public Task<WebhookResendOutcome> ResendAsync(
        string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            // A delivery in flight (leased, its lease not yet run out) is left to its attempt: clearing its lease would let another
            // dispatcher send it while the first still does. changes() is the delivery upsert's count: 0 when it was left alone.
            async (connection, transaction) => await ScalarAsync(
                connection,
                transaction,
                """
                INSERT OR IGNORE INTO received_messages (tenant, message_id)
                SELECT e.tenant, m.id FROM messages m, endpoints e
                WHERE m.id = $message AND e.id = $endpoint AND e.enabled = 1 AND e.url <> '' AND e.tenant IS NOT NULL
                  AND m.tenant IS NOT e.tenant;
                UPDATE endpoints SET due_at = $now
                WHERE id = $endpoint AND enabled = 1 AND url <> '' AND ifnull(due_at > $now, 1)
                  AND EXISTS (SELECT 1 FROM messages WHERE id = $message);
                INSERT INTO deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                SELECT m.id, e.id, 0, 0, $now, $now, m.ordering_key, m.seq FROM messages m, endpoints e
                WHERE m.id = $message AND e.id = $endpoint AND e.enabled = 1 AND e.url <> ''
                ON CONFLICT (message_id, endpoint_id)
                DO UPDATE SET status = 0, attempts = 0, next_attempt_at = $now, lease_owner = NULL, updated_at = $now
                WHERE deliveries.lease_owner IS NULL OR deliveries.next_attempt_at <= $now;
                SELECT CASE WHEN changes() > 0 THEN 'resent'
                            WHEN EXISTS (SELECT 1 FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                                         WHERE d.message_id = $message AND d.endpoint_id = $endpoint AND e.enabled = 1
                                           AND d.lease_owner IS NOT NULL AND d.next_attempt_at > $now) THEN 'in flight'
                            ELSE 'not found' END;
                """,
                cancellationToken,
                ("$message", messageId),
                ("$endpoint", endpointId),
                ("$now", ToUnix(now))).ConfigureAwait(false) switch
            {
                "resent" => WebhookResendOutcome.Resent,
                "in flight" => WebhookResendOutcome.InFlight,
                _ => WebhookResendOutcome.NotFound,
            },
            cancellationToken);

    public Task<bool> SkipAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) => await ScalarAsync(
                connection,
                transaction,
                """
                UPDATE deliveries SET status = 2, updated_at = $now WHERE message_id = $message AND endpoint_id = $endpoint AND status = 3;
                SELECT changes() > 0;
                UPDATE endpoints SET due_at = $now WHERE id = $endpoint AND changes() > 0 AND ifnull(due_at > $now, 1);
                """,
                cancellationToken,
                ("$message", messageId),
                ("$endpoint", endpointId),
                ("$now", ToUnix(now))).ConfigureAwait(false) is 1L,
            cancellationToken);

    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                var recovered = await ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE deliveries SET status = 0, attempts = 0, updated_at = $now,
                        next_attempt_at = CASE WHEN lease_owner IS NOT NULL AND next_attempt_at > $now THEN next_attempt_at ELSE $now END
                    WHERE endpoint_id = $endpoint AND status IN (2, 3)
                      AND EXISTS (SELECT 1 FROM endpoints e WHERE e.id = $endpoint AND e.enabled = 1)
                      AND message_id IN (SELECT id FROM messages WHERE created_at >= $since);
                    """,
                    cancellationToken,
                    ("$endpoint", endpointId),
                    ("$since", ToUnix(since)),
                    ("$now", ToUnix(now))).ConfigureAwait(false);
                if (recovered > 0)
                {
                    const string Due = "UPDATE endpoints SET due_at = $now WHERE id = $endpoint AND ifnull(due_at > $now, 1);";
                    await ExecuteAsync(connection, transaction, Due, cancellationToken, ("$endpoint", endpointId), ("$now", ToUnix(now)))
                        .ConfigureAwait(false);
                }

                return recovered;
            },
            cancellationToken);

    public async Task<WebhookBacklog> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ReadAsync(
            // A message not yet fanned out waits too, due since it was published: one item, whatever it expands into.
            """
            SELECT (SELECT count(*) FROM deliveries WHERE status = 0) + (SELECT count(*) FROM unexpanded),
                   (SELECT min(due) FROM (
                       SELECT min(next_attempt_at) AS due FROM deliveries WHERE status = 0 AND next_attempt_at <= $now
                       UNION ALL
                       SELECT min(created_at) FROM unexpanded WHERE created_at <= $now)),
                   (SELECT count(*) FROM endpoints WHERE enabled = 1 AND consecutive_failures > 0);
            """,
            reader => new WebhookBacklog(reader.GetInt64(0), NullableTime(reader, 1), reader.GetInt64(2)),
            cancellationToken,
            ("$now", ToUnix(now))).ConfigureAwait(false)).Single();

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
                        WHERE created_at < $before
                          AND NOT EXISTS (SELECT 1 FROM unexpanded u WHERE u.created_at = m.created_at AND u.message_id = m.id)
                          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status IN (0, 3))
                        LIMIT $chunk;
                        """,
                        cancellationToken,
                        ("$before", ToUnix(before)),
                        ("$chunk", ChunkSize)).ConfigureAwait(false);
                    await ExecuteAsync(
                            connection,
                            transaction,
                            "DELETE FROM attempts WHERE delivery_id IN "
                            + "(SELECT id FROM deliveries WHERE message_id IN (SELECT id FROM purge));",
                            cancellationToken)
                        .ConfigureAwait(false);
                    await ExecuteAsync(
                            connection,
                            transaction,
                            "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM purge);",
                            cancellationToken)
                        .ConfigureAwait(false);
                    const string PurgeReceived = "DELETE FROM received_messages WHERE message_id IN (SELECT id FROM purge);";
                    await ExecuteAsync(connection, transaction, PurgeReceived, cancellationToken).ConfigureAwait(false);
                    var count = await ExecuteAsync(
                            connection, transaction, "DELETE FROM messages WHERE id IN (SELECT id FROM purge);", cancellationToken)
                        .ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, "DROP TABLE temp.purge;", cancellationToken).ConfigureAwait(false);
                    return count;
                },
                cancellationToken).ConfigureAwait(false);
            total += purged;
        }
        while (purged == ChunkSize);

        await PurgeAttemptHoursAsync(before, cancellationToken).ConfigureAwait(false);
        return total;
    }

    public Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // One writer at a time, so every statement sees the same oldest waiting messages. Fan out: one pending delivery,
                // due from the message's creation, per enabled endpoint of its tenant (or of every tenant) whose event filter is
                // null (all) or names its webhook, or only its target endpoint; here those without a payload filter for the
                // webhook, then those with one whose filter the payload matches; none to a polling endpoint (url ''), whose
                // messages are read from its feed. OR IGNORE: a resend may have made one already. A message of every tenant is
                // listed for each tenant it reaches (its polling endpoints too), for their logs.
                await Prepared(
                    transaction,
                    """
                    CREATE TEMP TABLE IF NOT EXISTS expanding (
                        id TEXT PRIMARY KEY, webhook TEXT, tenant TEXT, target TEXT, created_at INTEGER, ordering_key TEXT, seq INTEGER);
                    DELETE FROM expanding;
                    INSERT INTO expanding
                    SELECT message_id, webhook, tenant, target_endpoint_id, created_at, ordering_key, seq FROM unexpanded
                    ORDER BY created_at, message_id LIMIT $max;
                    INSERT OR IGNORE INTO deliveries
                        (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                    SELECT m.id, e.id, 0, 0, m.created_at, $now, m.ordering_key, m.seq FROM expanding m JOIN endpoints e
                      ON e.enabled = 1 AND e.url <> ''
                     AND (m.tenant IS NULL OR e.tenant = m.tenant)
                     AND (m.target IS NULL OR e.id = m.target)
                     AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook))
                     AND NOT EXISTS (SELECT 1 FROM json_each(e.filters) WHERE key = m.webhook);
                    INSERT OR IGNORE INTO received_messages (tenant, message_id)
                    SELECT DISTINCT e.tenant, m.id FROM expanding m JOIN endpoints e
                      ON m.tenant IS NULL AND e.tenant IS NOT NULL AND e.enabled = 1
                     AND (m.target IS NULL OR e.id = m.target)
                     AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook));
                    """,
                    ("$max", max),
                    ("$now", ToUnix(now))).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await ExpandFilteredAsync(transaction, now, cancellationToken).ConfigureAwait(false);

                // Each endpoint is due by its new deliveries' time, if it was not already.
                await Prepared(
                    transaction,
                    """
                    UPDATE endpoints SET due_at = x.due_at
                    FROM (SELECT d.endpoint_id, min(d.next_attempt_at) AS due_at FROM expanding m JOIN deliveries d ON d.message_id = m.id
                          WHERE d.status = 0 GROUP BY d.endpoint_id) AS x
                    WHERE endpoints.id = x.endpoint_id AND ifnull(endpoints.due_at > x.due_at, 1);
                    """).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return await Prepared(
                    transaction,
                    "DELETE FROM unexpanded WHERE (created_at, message_id) IN (SELECT created_at, id FROM expanding);")
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken,
            durable: false);

    /// <summary>
    /// The deliveries of the messages being expanded to endpoints with a payload filter for their webhook, where the payload
    /// matches it: each payload read and parsed once, whatever the number of endpoints.
    /// </summary>
    private async Task ExpandFilteredAsync(SqliteTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = Prepared(
            transaction,
            """
            SELECT m.id, e.id, f.value, m.created_at, m.ordering_key, m.seq, p.payload
            FROM expanding m JOIN messages p ON p.id = m.id JOIN endpoints e
              ON e.enabled = 1 AND e.url <> ''
             AND (m.tenant IS NULL OR e.tenant = m.tenant)
             AND (m.target IS NULL OR e.id = m.target)
             AND (e.event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = m.webhook))
            JOIN json_each(e.filters) f ON f.key = m.webhook
            ORDER BY m.id;
            """);
        var matched = new List<(string Message, string Endpoint, long CreatedAt, string OrderingKey, object? Seq)>();
        using (var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            JsonDocument? payload = null;
            string? payloadOf = null;
            try
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var message = reader.GetString(0);
                    if (message != payloadOf)
                    {
                        payload?.Dispose();
                        payload = JsonDocument.Parse((byte[])reader.GetValue(6));
                        payloadOf = message;
                    }

                    if (WebhookPayloadFilter.Matches(reader.GetString(2), payload!.RootElement))
                    {
                        matched.Add((message, reader.GetString(1), reader.GetInt64(3), reader.GetString(4), reader.GetValue(5)));
                    }
                }
            }
            finally
            {
                payload?.Dispose();
            }
        }

        var insert = Prepared(
            transaction,
            """
            INSERT OR IGNORE INTO deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
            VALUES ($message, $endpoint, 0, 0, $created_at, $now, $ordering_key, $seq);
            """,
            ("$message", null),
            ("$endpoint", null),
            ("$created_at", null),
            ("$now", ToUnix(now)),
            ("$ordering_key", null),
            ("$seq", null));
        foreach (var (message, endpoint, createdAt, orderingKey, seq) in matched)
        {
            insert.Parameters["$message"].Value = message;
            insert.Parameters["$endpoint"].Value = endpoint;
            insert.Parameters["$created_at"].Value = createdAt;
            insert.Parameters["$ordering_key"].Value = orderingKey;
            insert.Parameters["$seq"].Value = seq;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
