namespace Hookline.Sqlite;

/// <summary>The schema, as numbered migrations: each runs once, in order, recorded in <c>hookline_schema</c>.</summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            webhook TEXT NOT NULL,
            method TEXT NOT NULL,
            tenant TEXT,
            payload BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT
        );
        CREATE UNIQUE INDEX ux_messages_idempotency ON messages (ifnull(tenant, ''), idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_messages_created ON messages (created_at);

        CREATE TABLE endpoints (
            id TEXT PRIMARY KEY,
            tenant TEXT,
            url TEXT NOT NULL,
            description TEXT,
            event_types TEXT,
            enabled INTEGER NOT NULL,
            disabled_reason TEXT,
            secrets TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            failing_since INTEGER
        );
        CREATE INDEX ix_endpoints_tenant ON endpoints (tenant);

        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            endpoint_id TEXT NOT NULL,
            status INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT,
            updated_at INTEGER NOT NULL,
            UNIQUE (message_id, endpoint_id)
        );
        -- Leasing reads only pending rows in due order: a range scan, O(log n) to start however many wait.
        CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE status = 0;
        CREATE INDEX ix_deliveries_endpoint ON deliveries (endpoint_id, status);

        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            status_code INTEGER,
            response_body TEXT,
            error_kind INTEGER NOT NULL,
            error TEXT
        );
        CREATE INDEX ix_attempts_delivery ON attempts (delivery_id);
        """,
        """
        ALTER TABLE endpoints ADD COLUMN rate_limit INTEGER;
        """,
        """
        -- Compare-and-set writes: existing endpoints start at version 1, as new ones do.
        ALTER TABLE endpoints ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        -- A tenant's endpoints in id order (ids order by creation): keyset pages, newest first.
        DROP INDEX ix_endpoints_tenant;
        CREATE INDEX ix_endpoints_tenant_id ON endpoints (tenant, id);
        """,
        """
        -- Fan-out after commit: a message is stored alone, then the dispatcher expands it into deliveries. Messages stored before
        -- came with their deliveries: they count as expanded.
        ALTER TABLE messages ADD COLUMN expanded INTEGER NOT NULL DEFAULT 1;
        -- The one endpoint a test event goes to.
        ALTER TABLE messages ADD COLUMN target_endpoint_id TEXT;
        -- Expanding reads only messages waiting for it, oldest first: O(log n) to start however many are stored.
        CREATE INDEX ix_messages_unexpanded ON messages (created_at, id) WHERE expanded = 0;
        """,
        """
        -- Endpoint limits shared by every dispatcher, applied at lease time: when a rate-limited endpoint may take its next send,
        -- and its leased deliveries, counted without reading its finished ones.
        ALTER TABLE endpoints ADD COLUMN next_send_at INTEGER;
        CREATE INDEX ix_deliveries_leased ON deliveries (endpoint_id, next_attempt_at)
            WHERE status = 0 AND lease_owner IS NOT NULL;
        """,
        """
        -- Attempts counted per endpoint and hour (UTC: unix milliseconds of its start), as they are recorded: the stats of a week
        -- read at most 168 rows an endpoint by the primary key, not every attempt. The attempts stored before are counted here.
        CREATE TABLE attempt_hours (
            endpoint_id TEXT NOT NULL,
            hour INTEGER NOT NULL,
            succeeded INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            last_failed_at INTEGER,
            last_failed_status_code INTEGER,
            last_failed_error_kind INTEGER,
            last_failed_error TEXT,
            PRIMARY KEY (endpoint_id, hour)
        ) WITHOUT ROWID;
        INSERT INTO attempt_hours (endpoint_id, hour, succeeded, failed)
        SELECT d.endpoint_id, a.started_at - a.started_at % 3600000, sum(a.error_kind = 0), sum(a.error_kind <> 0)
        FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
        GROUP BY 1, 2;
        UPDATE attempt_hours SET (last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error) = (
            SELECT a.started_at, a.status_code, a.error_kind, a.error
            FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
            WHERE d.endpoint_id = attempt_hours.endpoint_id AND a.error_kind <> 0
              AND a.started_at >= attempt_hours.hour AND a.started_at < attempt_hours.hour + 3600000
            ORDER BY a.started_at DESC, a.id DESC
            LIMIT 1)
        WHERE failed > 0;
        """,
        """
        -- Messages waiting to be expanded, oldest first: a narrow queue that expanding deletes from, holding what fan-out matches
        -- on. A flag on the message had each expansion rewrite the whole message, its payload included. (Dropping the column
        -- rewrites the messages table once.)
        CREATE TABLE unexpanded (
            created_at INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            webhook TEXT NOT NULL,
            tenant TEXT,
            target_endpoint_id TEXT,
            PRIMARY KEY (created_at, message_id)
        ) WITHOUT ROWID;
        INSERT INTO unexpanded (created_at, message_id, webhook, tenant, target_endpoint_id)
        SELECT created_at, id, webhook, tenant, target_endpoint_id FROM messages WHERE expanded = 0;
        DROP INDEX ix_messages_unexpanded;
        ALTER TABLE messages DROP COLUMN expanded;
        """,
        """
        -- A tenant's log reads about a page, newest first, whatever the table holds: its own messages by (tenant, id), and the
        -- messages of others it received (a message of every tenant, or one resent to its endpoint) listed here for it.
        CREATE INDEX ix_messages_tenant_id ON messages (tenant, id);
        CREATE TABLE received_messages (
            tenant TEXT NOT NULL,
            message_id TEXT NOT NULL,
            PRIMARY KEY (tenant, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_received_messages_message ON received_messages (message_id);
        INSERT OR IGNORE INTO received_messages (tenant, message_id)
        SELECT e.tenant, m.id FROM deliveries d
        JOIN endpoints e ON e.id = d.endpoint_id
        JOIN messages m ON m.id = d.message_id
        WHERE e.tenant IS NOT NULL AND m.tenant IS NOT e.tenant;
        """,
        """
        -- The dashboard's state, shared by every instance on this file: the one-time links used (kept until they expire), and
        -- per tenant the time at or before which its sessions and links were revoked.
        CREATE TABLE dashboard_used_links (
            id TEXT PRIMARY KEY,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ix_dashboard_used_links_expires ON dashboard_used_links (expires_at);
        CREATE TABLE dashboard_revocations (
            tenant TEXT PRIMARY KEY,
            revoked_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        """
        -- The fair scheduler. Each endpoint's circuit breaker: its failed attempts since its latest success (NULL: never attempted)
        -- and when the latest failed. And when it may next have a delivery a lease can take (NULL: none pending): leases read the
        -- endpoints due, longest waiting first, then each one's oldest due deliveries, which keep their place when not taken.
        ALTER TABLE endpoints ADD COLUMN consecutive_failures INTEGER;
        ALTER TABLE endpoints ADD COLUMN last_failed_at INTEGER;
        ALTER TABLE endpoints ADD COLUMN due_at INTEGER;
        UPDATE endpoints SET consecutive_failures = CASE WHEN failing_since IS NULL THEN 0 ELSE 1 END, last_failed_at = failing_since;
        UPDATE endpoints SET due_at = (SELECT min(next_attempt_at) FROM deliveries WHERE endpoint_id = endpoints.id AND status = 0);
        CREATE INDEX ix_endpoints_due ON endpoints (due_at) WHERE due_at IS NOT NULL;
        CREATE INDEX ix_deliveries_queue ON deliveries (endpoint_id, next_attempt_at) WHERE status = 0;
        """,
        """
        -- Ordered delivery. Each endpoint's ordering (WebhookOrdering: 0 none, 1 ordered, 2 ordered skipping failures); each
        -- message's ordering key ('' for none) and place in publish order (its commit order: one writer at a time), copied to the
        -- queue of messages waiting to be expanded and to their deliveries. A lease takes, of an ordered endpoint, only each key's
        -- oldest pending or blocked delivery (messages stored before have no place: they come first).
        ALTER TABLE endpoints ADD COLUMN ordering INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN ordering_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN seq INTEGER;
        CREATE INDEX ix_messages_seq ON messages (seq);
        ALTER TABLE unexpanded ADD COLUMN ordering_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE unexpanded ADD COLUMN seq INTEGER;
        CREATE INDEX ix_unexpanded_ordered ON unexpanded (ordering_key, seq);
        ALTER TABLE deliveries ADD COLUMN ordering_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE deliveries ADD COLUMN seq INTEGER;
        CREATE INDEX ix_deliveries_ordered ON deliveries (endpoint_id, ordering_key, seq) WHERE status IN (0, 3);
        """,
        """
        -- Each hour's latest success, kept as its latest failure is: an endpoint's last success reads its newest hours, not its
        -- attempts. The hours counted before take it from their attempts still stored (one pass over them).
        ALTER TABLE attempt_hours ADD COLUMN last_succeeded_at INTEGER;
        UPDATE attempt_hours SET last_succeeded_at = s.at
        FROM (SELECT d.endpoint_id, a.started_at - a.started_at % 3600000 AS hour, max(a.started_at) AS at
              FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE a.error_kind = 0
              GROUP BY 1, 2) AS s
        WHERE attempt_hours.endpoint_id = s.endpoint_id AND attempt_hours.hour = s.hour;
        """,
        """
        -- Payload filters: per webhook name, the filter its payloads must match to be delivered to the endpoint (a JSON object of
        -- filter texts; NULL for none), evaluated at fan-out.
        ALTER TABLE endpoints ADD COLUMN filters TEXT;
        """,
        """
        -- Polling endpoints and their feed. A polling endpoint has no URL: kept as '' (SQLite drops a NOT NULL only by rebuilding
        -- the table), and fan-out makes it no deliveries. Its feed reads the messages in seq order, which is their commit order
        -- (one writer at a time, each message the next seq in its write transaction): a reader past a message has seen every one
        -- before it. The last seq given is kept apart, so that it never goes back when retention purges the newest messages
        -- (max(seq) + 1 would, and a reader's position would pass over the next ones). Messages stored before ordered delivery
        -- have no seq: they take places before every other, oldest first. A tenant's feed reads its own messages and those of
        -- every tenant (tenant NULL) by (tenant, seq).
        UPDATE messages SET seq = o.seq
        FROM (SELECT id, -row_number() OVER (ORDER BY created_at DESC, id DESC) AS seq FROM messages WHERE seq IS NULL) AS o
        WHERE messages.id = o.id;
        CREATE TABLE message_seq (last INTEGER NOT NULL);
        INSERT INTO message_seq (last) SELECT ifnull(max(seq), 0) FROM messages;
        CREATE INDEX ix_messages_tenant_seq ON messages (tenant, seq);
        """,
    ];
}
