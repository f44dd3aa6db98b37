using System.Text.Json;
using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

internal sealed partial class PostgreSqlWebhookStore
{
    public Task<WebhookLeaseResult> LeaseAsync(WebhookLeaseRequest request, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                if (request.Completed.Count > 0)
                {
                    await RecordAsync(connection, transaction, request.Completed, request.Now, cancellationToken).ConfigureAwait(false);
                }

                // The endpoints that may have due deliveries, longest waiting first. SKIP LOCKED: instances leasing at once each
                // take other endpoints, without waiting for one another; the lock makes an endpoint's admission one lease at a time
                // across instances.
                var admission = new WebhookLeaseAdmission(request);
                var endpoints = await ReadAsync(
                    connection,
                    transaction,
                    """
                    SELECT id FROM {schema}.endpoints WHERE due_at <= @now
                    ORDER BY due_at, id
                    LIMIT @endpoints
                    FOR NO KEY UPDATE SKIP LOCKED;
                    """,
                    reader => reader.GetString(0),
                    cancellationToken,
                    Time("now", request.Now),
                    Integer("endpoints", admission.EndpointsToRead)).ConfigureAwait(false);
                if (endpoints.Count == 0)
                {
                    return new WebhookLeaseResult(
                        [], await NextDueAsync(connection, transaction, request.Now, cancellationToken).ConfigureAwait(false));
                }

                // A statement of its own, so its snapshot is taken under the endpoint locks: it sees every lease committed by the
                // instances that held them before.
                await ReadAsync(
                    connection,
                    transaction,
                    """
                    SELECT e.id, e.tenant, e.rate_limit, e.next_send_at,
                           e.consecutive_failures, e.last_failed_at, e.failing_since, e.due_at,
                           (SELECT count(*) FROM {schema}.deliveries l
                            WHERE l.endpoint_id = e.id AND l.status = 0 AND l.lease_owner IS NOT NULL
                              AND l.next_attempt_at > @now)::integer,
                           e.ordering
                    FROM {schema}.endpoints e WHERE e.id = ANY(@ids);
                    """,
                    reader =>
                    {
                        admission.AddEndpoint(new WebhookLeaseEndpoint(reader.GetString(0), NullableText(reader, 1), reader.GetInt32(8))
                        {
                            RateLimit = NullableInteger(reader, 2),
                            NextSendAt = NullableTime(reader, 3),
                            ConsecutiveFailures = NullableInteger(reader, 4),
                            LastFailedAt = NullableTime(reader, 5),
                            FailingSince = NullableTime(reader, 6),
                            DueAt = NullableTime(reader, 7),
                            Ordered = reader.GetInt16(9) != 0,
                        });
                        return 0;
                    },
                    cancellationToken,
                    Time("now", request.Now),
                    Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, endpoints.ToArray())).ConfigureAwait(false);

                // Each endpoint's oldest due deliveries, as many as it may take and one more (which tells whether some are left). Of
                // an ordered endpoint, the due heads of its ordering keys: of each key, its oldest pending or blocked delivery in
                // publish order, if it is pending and due, none of its key is in flight (one resent behind it may be), and no message
                // before it that the endpoint would receive waits to be expanded (on another instance, in a transaction not yet
                // committed: this statement's snapshot sees both the queue and the deliveries as of one moment).
                var ordered = endpoints.Where(admission.IsOrdered).ToArray();
                var unordered = endpoints.Where(id => !admission.IsOrdered(id)).ToArray();
                await ReadAsync(
                    connection,
                    transaction,
                    """
                    SELECT c.id, d.id, d.next_attempt_at
                    FROM unnest(@ids, @limits) AS c (id, n)
                    CROSS JOIN LATERAL (
                        SELECT id, next_attempt_at FROM {schema}.deliveries
                        WHERE endpoint_id = c.id AND status = 0 AND next_attempt_at <= @now
                        ORDER BY next_attempt_at, id
                        LIMIT c.n) AS d
                    UNION ALL
                    SELECT c.id, h.id, h.next_attempt_at
                    FROM unnest(@ordered, @ordered_limits) AS c (id, n)
                    JOIN {schema}.endpoints e ON e.id = c.id
                    CROSS JOIN LATERAL (
                        SELECT h.id, h.next_attempt_at FROM (
                            SELECT DISTINCT ON (ordering_key) id, status, next_attempt_at, ordering_key, seq FROM {schema}.deliveries
                            WHERE endpoint_id = c.id AND status IN (0, 3)
                            ORDER BY ordering_key, seq NULLS FIRST, id) AS h
                        WHERE h.status = 0 AND h.next_attempt_at <= @now
                          AND NOT EXISTS (SELECT 1 FROM {schema}.deliveries x
                                          WHERE x.endpoint_id = c.id AND x.ordering_key = h.ordering_key AND x.status = 0
                                            AND x.lease_owner IS NOT NULL AND x.next_attempt_at > @now)
                          AND NOT EXISTS (SELECT 1 FROM {schema}.unexpanded u
                                          WHERE u.ordering_key = h.ordering_key AND u.seq < h.seq
                                            AND (u.tenant IS NULL OR u.tenant = e.tenant)
                                            AND (u.target_endpoint_id IS NULL OR u.target_endpoint_id = e.id)
                                            AND (e.event_types IS NULL OR u.webhook = ANY (e.event_types)))
                        ORDER BY h.next_attempt_at, h.id
                        LIMIT c.n) AS h
                    ORDER BY 1, 3, 2;
                    """,
                    reader =>
                    {
                        admission.AddDue(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
                        return 0;
                    },
                    cancellationToken,
                    Time("now", request.Now),
                    Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, unordered),
                    Parameter("limits", NpgsqlDbType.Array | NpgsqlDbType.Integer, unordered.Select(admission.DueToRead).ToArray()),
                    Parameter("ordered", NpgsqlDbType.Array | NpgsqlDbType.Text, ordered),
                    Parameter("ordered_limits", NpgsqlDbType.Array | NpgsqlDbType.Integer, ordered.Select(admission.DueToRead).ToArray()))
                    .ConfigureAwait(false);

                // A lease moves the delivery's due time to the lease's end: if the owner never completes it, it is simply due again
                // then. A delivery not taken is left as it is.
                var admitted = admission.Admit();
                var leased = admitted.Count == 0 ? [] : await ReadAsync(
                    connection,
                    transaction,
                    """
                    WITH leased AS (
                        UPDATE {schema}.deliveries d SET next_attempt_at = @until, lease_owner = @owner
                        FROM unnest(@admitted) WITH ORDINALITY AS a (id, n) WHERE d.id = a.id
                        RETURNING d.id, d.attempts, d.message_id, d.endpoint_id, a.n)
                    SELECT l.id, l.attempts, l.message_id, m.webhook, m.method, m.payload, l.endpoint_id, e.tenant, e.url, e.secrets,
                           e.failing_since, e.ordering
                    FROM leased l
                    JOIN {schema}.messages m ON m.id = l.message_id
                    JOIN {schema}.endpoints e ON e.id = l.endpoint_id
                    ORDER BY l.n;
                    """,
                    reader => new WebhookLeasedDelivery
                    {
                        Id = reader.GetInt64(0),
                        Attempts = reader.GetInt32(1),
                        MessageId = reader.GetString(2),
                        EventType = reader.GetString(3),
                        Method = reader.GetString(4),
                        Payload = reader.GetFieldValue<byte[]>(5),
                        EndpointId = reader.GetString(6),
                        Tenant = NullableText(reader, 7),
                        Url = reader.GetString(8),
                        Secrets = SecretsFromJson(reader.GetString(9)),
                        FailingSince = NullableTime(reader, 10),
                        Ordering = (WebhookOrdering)reader.GetInt16(11),
                    },
                    cancellationToken,
                    Parameter("admitted", NpgsqlDbType.Array | NpgsqlDbType.Bigint, admitted.ToArray()),
                    Time("until", request.LeaseUntil),
                    Text("owner", request.Owner)).ConfigureAwait(false);

                // After the lease, in a statement of its own that sees it: each endpoint read is due again when the admission says,
                // or else when its next pending delivery is (a retry, or a lease running out, this one's included); if it has none,
                // not until a delivery is made for it.
                string[] rescheduled = [.. admission.Rescheduled];
                var next = await ScalarAsync(
                    connection,
                    transaction,
                    """
                    WITH rescheduled AS (
                        UPDATE {schema}.endpoints e SET
                            due_at = coalesce(r.due_at, (
                                SELECT min(next_attempt_at) FROM {schema}.deliveries
                                WHERE endpoint_id = e.id AND status = 0 AND next_attempt_at > @now)),
                            next_send_at = coalesce(r.next_send_at, e.next_send_at)
                        FROM unnest(@ids, @due, @sends) AS r (id, due_at, next_send_at) WHERE e.id = r.id
                        RETURNING e.id, e.due_at)
                    SELECT least(
                        (SELECT min(due_at) FROM rescheduled WHERE due_at > @now),
                        (SELECT min(due_at) FROM {schema}.endpoints WHERE due_at > @now AND id <> ALL (@ids)));
                    """,
                    cancellationToken,
                    Time("now", request.Now),
                    Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, rescheduled),
                    Parameter(
                        "due",
                        NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
                        rescheduled.Select(id => Stored(admission.DueAgainAt(id))).ToArray()),
                    Parameter(
                        "sends",
                        NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
                        rescheduled.Select(id => Stored(admission.NextSends.TryGetValue(id, out var at) ? at : null)).ToArray()))
                    .ConfigureAwait(false);
                return new WebhookLeaseResult(leased, next is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null);
            },
            cancellationToken);

    /// <summary>When the next endpoint is due after <paramref name="now"/>.</summary>
    private async Task<DateTimeOffset?> NextDueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ScalarAsync(
            connection,
            transaction,
            "SELECT min(due_at) FROM {schema}.endpoints WHERE due_at > @now;",
            cancellationToken,
            Time("now", now)).ConfigureAwait(false) is DateTime at
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    public Task CompleteAsync(IReadOnlyList<WebhookCompletedAttempt> results, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await RecordAsync(connection, transaction, results, now, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    /// <summary>
    /// Records attempts and applies their outcome to deliveries and endpoints (<see cref="CompleteAsync"/>), in the caller's
    /// transaction.
    /// </summary>
    private async Task RecordAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<WebhookCompletedAttempt> results,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // An attempt is recorded if its delivery still exists (its endpoint may have been deleted meanwhile: then there is
        // nothing left to record it against; one deleted while this runs fails the batch on the foreign key, and the retry
        // leaves it out). A delivery is updated only while its lease is still ours (leased again by another dispatcher after
        // ours expired, its outcome wins), and only those attempts move their endpoints' health: in this statement when every
        // attempt applied, as under load they do, else in one of its own.
        var health = WebhookEndpointHealth.Of(results);
        var outcomes = await ReadAsync(
            connection,
            transaction,
            $$"""
            WITH r AS (
                SELECT * FROM unnest(@ids, @endpoint_ids, @owners, @statuses, @next, @started, @durations, @codes, @bodies, @kinds, @errors)
                    AS r (id, endpoint_id, owner, status, next_attempt_at, started_at, duration_us, status_code, response_body,
                        error_kind, error)),
            recorded AS (
                INSERT INTO {schema}.attempts (delivery_id, started_at, duration_us, status_code, response_body, error_kind, error)
                SELECT id, started_at, duration_us, status_code, response_body, error_kind, error FROM r
                WHERE EXISTS (SELECT 1 FROM {schema}.deliveries d WHERE d.id = r.id AND d.endpoint_id = r.endpoint_id)
                RETURNING delivery_id),
            completed AS (
                UPDATE {schema}.deliveries d
                SET status = r.status, attempts = d.attempts + 1, next_attempt_at = coalesce(r.next_attempt_at, d.next_attempt_at),
                    lease_owner = NULL, updated_at = @now
                FROM r WHERE d.id = r.id AND d.endpoint_id = r.endpoint_id AND d.lease_owner = r.owner AND d.status = 0
                RETURNING d.id),
            marked AS ({{MarkHealth}} AND (SELECT count(*) FROM completed) = cardinality(@ids) RETURNING e.id),
            -- An ordered endpoint is due at once after any attempt: the next delivery of the key may go. (Not one marked, which is
            -- due already: a row is updated once a statement.)
            ordered AS (
                UPDATE {schema}.endpoints e SET due_at = @now
                WHERE e.id IN (SELECT DISTINCT endpoint_id FROM r) AND e.ordering <> 0 AND (e.due_at IS NULL OR e.due_at > @now)
                  AND e.id NOT IN (SELECT id FROM marked))
            SELECT r.id, r.id IN (SELECT delivery_id FROM recorded) FROM r WHERE r.id NOT IN (SELECT id FROM completed);
            """,
            reader => (Id: reader.GetInt64(0), Recorded: reader.GetBoolean(1)),
            cancellationToken,
            [
                Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, results.Select(r => r.DeliveryId).ToArray()),
                TextArray("endpoint_ids", results.Select(r => r.EndpointId)),
                TextArray("owners", results.Select(r => r.LeaseOwner)),
                Parameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Smallint, results.Select(r => (short)r.Status).ToArray()),
                Parameter("next", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, results.Select(r => Stored(r.NextAttemptAt)).ToArray()),
                Parameter("started", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, results.Select(r => Stored(r.StartedAt)).ToArray()),
                Parameter(
                    "durations",
                    NpgsqlDbType.Array | NpgsqlDbType.Bigint,
                    results.Select(r => r.Duration.Ticks / TimeSpan.TicksPerMicrosecond).ToArray()),
                Parameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Integer, results.Select(r => r.StatusCode).ToArray()),
                TextArray("bodies", results.Select(r => r.ResponseBody)),
                Parameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Smallint, results.Select(r => (short)r.ErrorKind).ToArray()),
                TextArray("errors", results.Select(r => r.Error)),
                Time("now", now),
                .. HealthParameters(health),
            ]).ConfigureAwait(false);
        var unapplied = outcomes.ToDictionary(o => o.Id, o => o.Recorded); // Under load, none.
        var recorded = results.Where(r => unapplied.GetValueOrDefault(r.DeliveryId, true)).ToList();
        var applied = results.Where(r => !unapplied.ContainsKey(r.DeliveryId)).ToList();
        if (applied.Count is > 0 && applied.Count < results.Count)
        {
            NpgsqlParameter[] parameters = [Time("now", now), .. HealthParameters(WebhookEndpointHealth.Of(applied))];
            await ExecuteAsync(connection, transaction, $"{MarkHealth};", cancellationToken, parameters).ConfigureAwait(false);
        }

        foreach (var result in applied.Where(r => r.DisableEndpointReason is not null).OrderBy(r => r.EndpointId, StringComparer.Ordinal))
        {
            var disabled = await ExecuteAsync(
                connection,
                transaction,
                """
                UPDATE {schema}.endpoints SET enabled = false, disabled_reason = @reason, updated_at = @now, version = version + 1
                WHERE id = @id AND enabled;
                """,
                cancellationToken,
                Text("reason", result.DisableEndpointReason),
                Time("now", now),
                Text("id", result.EndpointId)).ConfigureAwait(false);
            if (disabled > 0)
            {
                await FailPendingAsync(connection, transaction, result.EndpointId, now, cancellationToken).ConfigureAwait(false);
            }
        }

        await CountAttemptsAsync(connection, transaction, recorded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets each endpoint's failing since and failures in a row from its <see cref="WebhookEndpointHealth"/>
    /// (<see cref="HealthParameters"/>),
    /// raising its version and making it due at once (a lease decides what its circuit lets through) when they change; from the row
    /// as it is when locked, so that instances recording at once add up their failures. Ends in a <c>WHERE</c> clause a caller may
    /// extend.
    /// </summary>
    private const string MarkHealth = """
        UPDATE {schema}.endpoints e
        SET failing_since = CASE WHEN h.ok THEN NULL WHEN h.since_success THEN h.since ELSE coalesce(e.failing_since, h.since) END,
            consecutive_failures =
                CASE WHEN h.ok OR h.since_success THEN h.failures ELSE coalesce(e.consecutive_failures, 0) + h.failures END,
            last_failed_at = h.last,
            due_at = least(e.due_at, @now),
            version = e.version + 1
        FROM unnest(@endpoints, @ok, @since_success, @since, @failures, @last) AS h (endpoint, ok, since_success, since, failures, last)
        WHERE e.id = h.endpoint
          AND (e.failing_since IS DISTINCT FROM
                  (CASE WHEN h.ok THEN NULL WHEN h.since_success THEN h.since ELSE coalesce(e.failing_since, h.since) END)
               OR e.consecutive_failures IS DISTINCT FROM
                  (CASE WHEN h.ok OR h.since_success THEN h.failures ELSE coalesce(e.consecutive_failures, 0) + h.failures END))
        """;

    private static NpgsqlParameter[] HealthParameters(IReadOnlyList<WebhookEndpointHealth> health) =>
    [
        TextArray("endpoints", health.Select(h => h.EndpointId)),
        Parameter("ok", NpgsqlDbType.Array | NpgsqlDbType.Boolean, health.Select(h => h.Succeeded).ToArray()),
        Parameter("since_success", NpgsqlDbType.Array | NpgsqlDbType.Boolean, health.Select(h => h.FailingSinceSuccess).ToArray()),
        Parameter("since", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, health.Select(h => Stored(h.FailingFrom)).ToArray()),
        Parameter("failures", NpgsqlDbType.Array | NpgsqlDbType.Integer, health.Select(h => h.Failures).ToArray()),
        Parameter("last", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, health.Select(h => Stored(h.LastFailedAt)).ToArray()),
    ];

    public Task ReleaseAsync(string owner, IReadOnlyList<WebhookReleasedDelivery> deliveries, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                """
                WITH released AS (
                    UPDATE {schema}.deliveries d SET next_attempt_at = r.due, lease_owner = NULL
                    FROM unnest(@ids, @dues) AS r (id, due)
                    WHERE d.id = r.id AND d.lease_owner = @owner AND d.status = 0
                    RETURNING d.endpoint_id, r.due)
                UPDATE {schema}.endpoints e SET due_at = r.due_at
                FROM (SELECT endpoint_id, min(due) AS due_at FROM released GROUP BY endpoint_id) AS r
                WHERE e.id = r.endpoint_id AND (e.due_at IS NULL OR e.due_at > r.due_at);
                """,
                cancellationToken,
                Parameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, deliveries.Select(d => d.Id).ToArray()),
                Parameter("dues", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, deliveries.Select(d => Stored(d.DueAt)).ToArray()),
                Text("owner", owner)),
            cancellationToken);

    public Task<WebhookResendOutcome> ResendAsync(
        string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // A delivery in flight (leased, its lease not yet run out) is left to its attempt: clearing its lease would let another
                // instance send it while the first still does. The conflict clause sees the row's latest version, locked.
                var resent = await ExecuteAsync(
                    connection,
                    transaction,
                    """
                    WITH due AS (
                        UPDATE {schema}.endpoints SET due_at = @now
                        WHERE id = @endpoint AND enabled AND url IS NOT NULL AND (due_at IS NULL OR due_at > @now)
                          AND EXISTS (SELECT 1 FROM {schema}.messages WHERE id = @message)),
                    received AS (
                        INSERT INTO {schema}.received_messages (tenant, message_id)
                        SELECT e.tenant, m.id FROM {schema}.messages m, {schema}.endpoints e
                        WHERE m.id = @message AND e.id = @endpoint AND e.enabled AND e.url IS NOT NULL AND e.tenant IS NOT NULL
                          AND m.tenant IS DISTINCT FROM e.tenant
                        ON CONFLICT DO NOTHING)
                    INSERT INTO {schema}.deliveries AS d
                        (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                    SELECT m.id, e.id, 0, 0, @now, @now, m.ordering_key, m.seq FROM {schema}.messages m, {schema}.endpoints e
                    WHERE m.id = @message AND e.id = @endpoint AND e.enabled AND e.url IS NOT NULL
                    ON CONFLICT (message_id, endpoint_id)
                    DO UPDATE SET status = 0, attempts = 0, next_attempt_at = @now, lease_owner = NULL, updated_at = @now
                    WHERE d.lease_owner IS NULL OR d.next_attempt_at <= @now;
                    """,
                    cancellationToken,
                    Text("message", messageId),
                    Text("endpoint", endpointId),
                    Time("now", now)).ConfigureAwait(false) > 0;
                if (resent)
                {
                    return WebhookResendOutcome.Resent;
                }

                // A statement of its own, so it reads the lease the conflict clause saw even if that committed after the upsert began.
                var inFlight = await ScalarAsync(
                    connection,
                    transaction,
                    """
                    SELECT EXISTS (SELECT 1 FROM {schema}.deliveries d JOIN {schema}.endpoints e ON e.id = d.endpoint_id
                                   WHERE d.message_id = @message AND d.endpoint_id = @endpoint AND e.enabled
                                     AND d.lease_owner IS NOT NULL AND d.next_attempt_at > @now);
                    """,
                    cancellationToken,
                    Text("message", messageId),
                    Text("endpoint", endpointId),
                    Time("now", now)).ConfigureAwait(false) is true;
                return inFlight ? WebhookResendOutcome.InFlight : WebhookResendOutcome.NotFound;
            },
            cancellationToken);

    public Task<bool> SkipAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) => await ScalarAsync(
                connection,
                transaction,
                """
                WITH skipped AS (
                    UPDATE {schema}.deliveries SET status = 2, updated_at = @now
                    WHERE message_id = @message AND endpoint_id = @endpoint AND status = 3
                    RETURNING endpoint_id),
                due AS (
                    UPDATE {schema}.endpoints SET due_at = @now
                    WHERE id IN (SELECT endpoint_id FROM skipped) AND (due_at IS NULL OR due_at > @now))
                SELECT EXISTS (SELECT 1 FROM skipped);
                """,
                cancellationToken,
                Text("message", messageId),
                Text("endpoint", endpointId),
                Time("now", now)).ConfigureAwait(false) is true,
            cancellationToken);

    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) => Convert.ToInt32(
                await ScalarAsync(
                connection,
                transaction,
                """
                WITH recovered AS (
                    UPDATE {schema}.deliveries SET status = 0, attempts = 0, updated_at = @now,
                        next_attempt_at = CASE WHEN lease_owner IS NOT NULL AND next_attempt_at > @now THEN next_attempt_at ELSE @now END
                    WHERE endpoint_id = @endpoint AND status IN (2, 3)
                      AND EXISTS (SELECT 1 FROM {schema}.endpoints e WHERE e.id = @endpoint AND e.enabled)
                      AND message_id IN (SELECT id FROM {schema}.messages WHERE created_at >= @since)
                    RETURNING 1),
                due AS (
                    UPDATE {schema}.endpoints SET due_at = @now
                    WHERE id = @endpoint AND (due_at IS NULL OR due_at > @now) AND EXISTS (SELECT 1 FROM recovered))
                SELECT count(*) FROM recovered;
                """,
                cancellationToken,
                Text("endpoint", endpointId),
                Time("since", since),
                Time("now", now)).ConfigureAwait(false),
                System.Globalization.CultureInfo.InvariantCulture),
            cancellationToken);

    public async Task<WebhookBacklog> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ReadAsync(
            // A message not yet fanned out waits too, due since it was published: one item, whatever it expands into.
            """
            SELECT (SELECT count(*) FROM {schema}.deliveries WHERE status = 0) + (SELECT count(*) FROM {schema}.unexpanded),
                   least(
                       (SELECT min(next_attempt_at) FROM {schema}.deliveries WHERE status = 0 AND next_attempt_at <= @now),
                       (SELECT min(created_at) FROM {schema}.unexpanded WHERE created_at <= @now)),
                   (SELECT count(*) FROM {schema}.endpoints WHERE enabled AND consecutive_failures > 0);
            """,
            reader => new WebhookBacklog(reader.GetInt64(0), NullableTime(reader, 1), reader.GetInt64(2)),
            cancellationToken,
            Time("now", now)).ConfigureAwait(false)).Single();

    public Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // SKIP LOCKED: instances expanding at once each take other messages off the queue. Fan out: one pending delivery,
                // due from the message's creation, per enabled endpoint of its tenant (or of every tenant) whose event filter is
                // null (all) or names its webhook, or only its target endpoint; here those without a payload filter for the
                // webhook, the others listed for ExpandFilteredAsync; none to a polling endpoint (no URL), whose messages are read
                // from its feed. DO NOTHING: a resend may have made one already. A message of every tenant is listed for each
                // tenant it reaches (its polling endpoints too), for their logs. (Data-modifying CTEs run to completion whether or
                // not the query reads them.)
                var (count, fanned, filtered) = (await ReadAsync(
                    connection,
                    transaction,
                    """
                    WITH batch AS (
                        DELETE FROM {schema}.unexpanded WHERE ctid = ANY (ARRAY(
                            SELECT ctid FROM {schema}.unexpanded
                            ORDER BY created_at, message_id
                            LIMIT @max
                            FOR UPDATE SKIP LOCKED))
                        RETURNING created_at, message_id, webhook, tenant, target_endpoint_id, ordering_key, seq),
                    reached AS (
                        SELECT b.*, e.id AS endpoint_id, e.filters ->> b.webhook AS filter, e.url IS NULL AS polling
                        FROM batch b JOIN {schema}.endpoints e
                          ON e.enabled
                         AND (b.tenant IS NULL OR e.tenant = b.tenant)
                         AND (b.target_endpoint_id IS NULL OR e.id = b.target_endpoint_id)
                         AND (e.event_types IS NULL OR b.webhook = ANY (e.event_types))),
                    fanned AS (
                        INSERT INTO {schema}.deliveries
                            (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
                        SELECT message_id, endpoint_id, 0, 0, created_at, @now, ordering_key, seq FROM reached
                        WHERE filter IS NULL AND NOT polling
                        ON CONFLICT (message_id, endpoint_id) DO NOTHING
                        RETURNING endpoint_id, next_attempt_at),
                    received AS (
                        INSERT INTO {schema}.received_messages (tenant, message_id)
                        SELECT DISTINCT e.tenant, r.message_id FROM reached r JOIN {schema}.endpoints e ON e.id = r.endpoint_id
                        WHERE r.tenant IS NULL AND e.tenant IS NOT NULL
                        ON CONFLICT DO NOTHING),
                    sifted AS (SELECT message_id, endpoint_id, filter FROM reached WHERE filter IS NOT NULL AND NOT polling)
                    SELECT (SELECT count(*) FROM batch),
                           (SELECT array_agg(endpoint_id ORDER BY endpoint_id) FROM fanned),
                           (SELECT array_agg(next_attempt_at ORDER BY endpoint_id) FROM fanned),
                           (SELECT array_agg(message_id ORDER BY message_id, endpoint_id) FROM sifted),
                           (SELECT array_agg(endpoint_id ORDER BY message_id, endpoint_id) FROM sifted),
                           (SELECT array_agg(filter ORDER BY message_id, endpoint_id) FROM sifted);
                    """,
                    reader => (
                        reader.GetInt64(0),
                        Zip(Array<string>(reader, 1), Array<DateTime>(reader, 2)),
                        new FilteredFanOut(Array<string>(reader, 3), Array<string>(reader, 4), Array<string>(reader, 5))),
                    cancellationToken,
                    Integer("max", max),
                    Time("now", now)).ConfigureAwait(false)).Single();
                if (filtered.MessageIds.Length > 0)
                {
                    fanned.AddRange(
                        await ExpandFilteredAsync(connection, transaction, filtered, now, cancellationToken).ConfigureAwait(false));
                }

                var due = fanned.GroupBy(f => f.Endpoint, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => (Endpoint: g.Key, DueAt: g.Min(f => f.DueAt))).ToList();
                var endpoints = due.Select(d => d.Endpoint).ToArray();
                var dues = due.Select(d => d.DueAt).ToArray();

                // Each endpoint is due by its new deliveries' time, if it was not already: locked in id order, so instances
                // expanding messages to the same endpoints at once wait for one another rather than deadlock.
                if (endpoints.Length > 0)
                {
                    await ExecuteAsync(
                        connection,
                        transaction,
                        """
                        UPDATE {schema}.endpoints e SET due_at = x.due_at
                        FROM (
                            SELECT l.id, n.due_at FROM unnest(@endpoints, @dues) AS n (id, due_at)
                            JOIN {schema}.endpoints l ON l.id = n.id
                            WHERE l.due_at IS NULL OR l.due_at > n.due_at
                            ORDER BY l.id
                            FOR NO KEY UPDATE OF l) AS x
                        WHERE e.id = x.id AND (e.due_at IS NULL OR e.due_at > x.due_at);
                        """,
                        cancellationToken,
                        TextArray("endpoints", endpoints),
                        Parameter("dues", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, dues)).ConfigureAwait(false);
                }

                return (int)count;
            },
            cancellationToken);

    /// <summary>
    /// The deliveries of messages being expanded to endpoints with a payload filter for their webhook, where the payload matches
    /// it: each payload read and parsed once, whatever the number of endpoints.
    /// </summary>
    private async Task<List<(string Endpoint, DateTime DueAt)>> ExpandFilteredAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        FilteredFanOut candidates,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var payloads = (await ReadAsync(
            connection,
            transaction,
            "SELECT id, payload FROM {schema}.messages WHERE id = ANY (@ids);",
            reader => (Id: reader.GetString(0), Payload: reader.GetFieldValue<byte[]>(1)),
            cancellationToken,
            TextArray("ids", candidates.MessageIds.Distinct(StringComparer.Ordinal))).ConfigureAwait(false))
            .ToDictionary(p => p.Id, p => p.Payload, StringComparer.Ordinal);
        var matched = new List<(string Message, string Endpoint)>();
        JsonDocument? payload = null;
        try
        {
            for (var i = 0; i < candidates.MessageIds.Length; i++)
            {
                if (i == 0 || candidates.MessageIds[i] != candidates.MessageIds[i - 1])
                {
                    payload?.Dispose();
                    payload = JsonDocument.Parse(payloads[candidates.MessageIds[i]]);
                }

                if (WebhookPayloadFilter.Matches(candidates.Filters[i], payload!.RootElement))
                {
                    matched.Add((candidates.MessageIds[i], candidates.EndpointIds[i]));
                }
            }
        }
        finally
        {
            payload?.Dispose();
        }

        return matched.Count == 0 ? [] : await ReadAsync(
            connection,
            transaction,
            """
            INSERT INTO {schema}.deliveries (message_id, endpoint_id, status, attempts, next_attempt_at, updated_at, ordering_key, seq)
            SELECT m.id, f.endpoint_id, 0, 0, m.created_at, @now, m.ordering_key, m.seq
            FROM unnest(@messages, @endpoints) AS f (message_id, endpoint_id) JOIN {schema}.messages m ON m.id = f.message_id
            ON CONFLICT (message_id, endpoint_id) DO NOTHING
            RETURNING endpoint_id, next_attempt_at;
            """,
            reader => (reader.GetString(0), reader.GetFieldValue<DateTime>(1)),
            cancellationToken,
            TextArray("messages", matched.Select(m => m.Message)),
            TextArray("endpoints", matched.Select(m => m.Endpoint)),
            Time("now", now)).ConfigureAwait(false);
    }

    private static T[] Array<T>(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<T[]>(ordinal);

    private static List<(string Endpoint, DateTime DueAt)> Zip(string[] endpoints, DateTime[] dues) => [.. endpoints.Zip(dues)];

    /// <summary>Pairs of a message being expanded and an endpoint with a payload filter for its webhook, that filter, by message.</summary>
    private sealed record FilteredFanOut(string[] MessageIds, string[] EndpointIds, string[] Filters);

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        const int ChunkSize = 5_000;
        var total = 0;
        int purged;
        do
        {
            // Bounded chunks, each its own short transaction: no long lock. Deliveries and attempts go with their message (cascade).
            purged = await WriteAsync(
                (connection, transaction) => ExecuteAsync(
                    connection,
                    transaction,
                    """
                    DELETE FROM {schema}.messages WHERE id IN (
                        SELECT id FROM {schema}.messages m
                        WHERE created_at < @before
                          AND NOT EXISTS (SELECT 1 FROM {schema}.unexpanded u WHERE u.created_at = m.created_at AND u.message_id = m.id)
                          AND NOT EXISTS (SELECT 1 FROM {schema}.deliveries d WHERE d.message_id = m.id AND d.status IN (0, 3))
                        LIMIT @chunk
                        FOR UPDATE SKIP LOCKED);
                    """,
                    cancellationToken,
                    Time("before", before),
                    Integer("chunk", ChunkSize)),
                cancellationToken).ConfigureAwait(false);
            total += purged;
        }
        while (purged == ChunkSize);

        await PurgeAttemptHoursAsync(before, cancellationToken).ConfigureAwait(false);
        return total;
    }
}
