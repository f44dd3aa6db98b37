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
                    return new WebhookLeaseResult([], await NextDueAsync(connection, transaction, request.Now, cancellationToken).ConfigureAwait(false));
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

    /// <summary>Records attempts and applies their outcome to deliveries and endpoints (<see cref="CompleteAsync"/>), in the caller's transaction.</summary>
    private async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<WebhookCompletedAttempt> results, DateTimeOffset now, CancellationToken cancellationToken)
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
                    AS r (id, endpoint_id, owner, status, next_attempt_at, started_at, duration_us, status_code, response_body, error_kind, error)),
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
                Parameter("durations", NpgsqlDbType.Array | NpgsqlDbType.Bigint, results.Select(r => r.Duration.Ticks / TimeSpan.TicksPerMicrosecond).ToArray()),
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
    /// Sets each endpoint's failing since and failures in a row from its <see cref="WebhookEndpointHealth"/> (<see cref="HealthParameters"/>),
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

    public Task<WebhookResendOutcome> ResendAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
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

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string messageId, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync("WHERE message_id = @message", cancellationToken, Text("message", messageId));

    public Task<IReadOnlyList<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync(
            "WHERE message_id = ANY (@messages) AND endpoint_id IN (SELECT id FROM {schema}.endpoints WHERE tenant = @tenant)",
            cancellationToken,
            Parameter("messages", NpgsqlDbType.Array | NpgsqlDbType.Text, query.MessageIds.ToArray()),
            Text("tenant", query.Tenant));

    private async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(
        string where, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            // The attempts counted are the ones logged: the column counts only those since the last resend or recovery (the retry
            // schedule's place), and not an attempt whose owner had lost its lease.
            $$"""
            SELECT d.id, d.message_id, d.endpoint_id, d.status,
                   (SELECT count(*)::integer FROM {schema}.attempts a WHERE a.delivery_id = d.id), d.next_attempt_at
            FROM {schema}.deliveries d {{where}} ORDER BY d.id;
            """,
            reader => new WebhookDelivery(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                (WebhookDeliveryStatus)reader.GetInt16(3),
                reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)),
            cancellationToken,
            parameters).ConfigureAwait(false);

    public Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string messageId, CancellationToken cancellationToken) =>
        ReadAttemptsAsync("WHERE d.message_id = @message ORDER BY a.id", cancellationToken, Text("message", messageId));

    public Task<IReadOnlyList<WebhookAttempt>> QueryAttemptsAsync(WebhookAttemptQuery query, CancellationToken cancellationToken) =>
        ReadAttemptsAsync(
            """
            WHERE (@tenant IS NULL OR d.endpoint_id IN (SELECT id FROM {schema}.endpoints WHERE tenant = @tenant))
              AND (@endpoint IS NULL OR d.endpoint_id = @endpoint)
              AND (@message IS NULL OR d.message_id = @message)
              AND (@webhook IS NULL OR m.webhook = @webhook)
              AND (@succeeded IS NULL OR (a.error_kind = 0) = @succeeded)
              AND (@since IS NULL OR a.started_at >= @since)
              AND (@until IS NULL OR a.started_at < @until)
              AND (@before IS NULL OR a.id < @before)
            ORDER BY a.id DESC
            LIMIT @limit
            """,
            cancellationToken,
            Text("tenant", query.Tenant),
            Text("endpoint", query.EndpointId),
            Text("message", query.MessageId),
            Text("webhook", query.EventType),
            Boolean("succeeded", query.Succeeded),
            Time("since", query.Since),
            Time("until", query.Until),
            Bigint("before", query.Before),
            Integer("limit", query.Limit));

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

    private async Task<IReadOnlyList<WebhookAttempt>> ReadAttemptsAsync(
        string whereAndOrder, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        await ReadAsync(
            $$"""
            SELECT a.id, a.delivery_id, d.message_id, d.endpoint_id, m.webhook, a.started_at, a.duration_us, a.status_code, a.response_body,
                   a.error_kind, a.error
            FROM {schema}.attempts a JOIN {schema}.deliveries d ON d.id = a.delivery_id JOIN {schema}.messages m ON m.id = d.message_id
            {{whereAndOrder}};
            """,
            reader => new WebhookAttempt(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                TimeSpan.FromMicroseconds(reader.GetInt64(6)),
                NullableInteger(reader, 7),
                NullableText(reader, 8),
                (WebhookAttemptErrorKind)reader.GetInt16(9),
                NullableText(reader, 10)),
            cancellationToken,
            parameters).ConfigureAwait(false);
}
