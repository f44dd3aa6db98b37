namespace Hookline.PostgreSql;

/// <summary>
/// The schema, as numbered migrations in the store's own PostgreSQL schema (<c>{schema}</c> below): each runs once, in order,
/// recorded in <c>{schema}.schema_versions</c>.
/// </summary>
internal static class PostgreSqlSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE {schema}.messages (
            id text PRIMARY KEY,
            webhook text NOT NULL,
            method text NOT NULL,
            tenant text,
            payload bytea NOT NULL,
            created_at timestamptz NOT NULL,
            idempotency_key text
        );
        CREATE UNIQUE INDEX ux_messages_idempotency ON {schema}.messages (coalesce(tenant, ''), idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_messages_created ON {schema}.messages (created_at);

        CREATE TABLE {schema}.endpoints (
            id text PRIMARY KEY,
            tenant text,
            url text NOT NULL,
            description text,
            event_types text[],
            enabled boolean NOT NULL,
            disabled_reason text,
            secrets text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            failing_since timestamptz,
            rate_limit integer,
            version bigint NOT NULL
        );
        -- A tenant's endpoints in id order (ids order by creation): fan-out and keyset pages.
        CREATE INDEX ix_endpoints_tenant_id ON {schema}.endpoints (tenant, id);

        CREATE TABLE {schema}.deliveries (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            message_id text NOT NULL REFERENCES {schema}.messages (id) ON DELETE CASCADE,
            endpoint_id text NOT NULL REFERENCES {schema}.endpoints (id) ON DELETE CASCADE,
            status smallint NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at timestamptz NOT NULL,
            lease_owner text,
            updated_at timestamptz NOT NULL,
            UNIQUE (message_id, endpoint_id)
        );
        -- Leasing reads only pending rows in due order: an index range scan, O(log n) to start however many wait.
        CREATE INDEX ix_deliveries_due ON {schema}.deliveries (next_attempt_at) WHERE status = 0;
        CREATE INDEX ix_deliveries_endpoint ON {schema}.deliveries (endpoint_id, status);

        CREATE TABLE {schema}.attempts (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id bigint NOT NULL REFERENCES {schema}.deliveries (id) ON DELETE CASCADE,
            started_at timestamptz NOT NULL,
            duration_us bigint NOT NULL,
            status_code integer,
            response_body text,
            error_kind smallint NOT NULL,
            error text
        );
        CREATE INDEX ix_attempts_delivery ON {schema}.attempts (delivery_id);
        """,
        """
        -- The ASP.NET Core Data Protection key ring that encrypts endpoint secrets, shared by every instance
        -- (PostgreSqlXmlRepository): one row per key or revocation XML element, inserted once, never updated.
        CREATE TABLE {schema}.data_protection_keys (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            friendly_name text,
            xml text NOT NULL
        );
        """,
        """
        -- Fan-out after commit: a message is stored alone (in the app's transaction, if it likes), then a dispatcher expands it
        -- into deliveries. Messages stored before came with their deliveries: they count as expanded.
        ALTER TABLE {schema}.messages ADD COLUMN expanded boolean NOT NULL DEFAULT true;
        ALTER TABLE {schema}.messages ALTER COLUMN expanded SET DEFAULT false;
        -- The one endpoint a test event goes to.
        ALTER TABLE {schema}.messages ADD COLUMN target_endpoint_id text;
        -- Expanding reads only messages waiting for it, oldest first: O(log n) to start however many are stored.
        CREATE INDEX ix_messages_unexpanded ON {schema}.messages (created_at, id) WHERE NOT expanded;
        """,
        """
        -- Endpoint limits shared by every instance, applied at lease time: when a rate-limited endpoint may take its next send,
        -- and its leased deliveries, counted without reading its finished ones.
        ALTER TABLE {schema}.endpoints ADD COLUMN next_send_at timestamptz;
        CREATE INDEX ix_deliveries_leased ON {schema}.deliveries (endpoint_id, next_attempt_at)
            WHERE status = 0 AND lease_owner IS NOT NULL;
        """,
        """
        -- Attempts counted per endpoint and hour (UTC), as they are recorded: the stats of a week read at most 168 rows an
        -- endpoint by the primary key, not every attempt. The attempts stored before are counted here.
        CREATE TABLE {schema}.attempt_hours (
            endpoint_id text NOT NULL REFERENCES {schema}.endpoints (id) ON DELETE CASCADE,
            hour timestamptz NOT NULL,
            succeeded integer NOT NULL,
            failed integer NOT NULL,
            last_failed_at timestamptz,
            last_failed_status_code integer,
            last_failed_error_kind smallint,
            last_failed_error text,
            PRIMARY KEY (endpoint_id, hour)
        );
        INSERT INTO {schema}.attempt_hours
            (endpoint_id, hour, succeeded, failed, last_failed_at, last_failed_status_code, last_failed_error_kind, last_failed_error)
        SELECT d.endpoint_id, date_trunc('hour', a.started_at, 'UTC'),
               count(*) FILTER (WHERE a.error_kind = 0), count(*) FILTER (WHERE a.error_kind <> 0),
               max(a.started_at) FILTER (WHERE a.error_kind <> 0),
               (array_agg(a.status_code ORDER BY a.started_at DESC, a.id DESC) FILTER (WHERE a.error_kind <> 0))[1],
               (array_agg(a.error_kind ORDER BY a.started_at DESC, a.id DESC) FILTER (WHERE a.error_kind <> 0))[1],
               (array_agg(a.error ORDER BY a.started_at DESC, a.id DESC) FILTER (WHERE a.error_kind <> 0))[1]
        FROM {schema}.attempts a JOIN {schema}.deliveries d ON d.id = a.delivery_id
        GROUP BY 1, 2;
        """,
        """
        -- Messages waiting to be expanded, oldest first: a narrow queue that expanding deletes from, holding what fan-out matches
        -- on. A flag on the message had each expansion rewrite the whole message (its payload and every index of it) and join
        -- back to it, by a plan that stale statistics made a scan of every message.
        CREATE TABLE {schema}.unexpanded (
            created_at timestamptz NOT NULL,
            message_id text NOT NULL,
            webhook text NOT NULL,
            tenant text,
            target_endpoint_id text,
            PRIMARY KEY (created_at, message_id)
        );
        INSERT INTO {schema}.unexpanded (created_at, message_id, webhook, tenant, target_endpoint_id)
        SELECT created_at, id, webhook, tenant, target_endpoint_id FROM {schema}.messages WHERE NOT expanded;
        DROP INDEX {schema}.ix_messages_unexpanded;
        ALTER TABLE {schema}.messages DROP COLUMN expanded;
        """,
        """
        -- An endpoint's hour counted in shards, one for each connection that records (its backend's pid, modulo 8), summed when
        -- read: instances recording for the same endpoint at once no longer queue on one row lock, each until the other's lease
        -- transaction commits.
        ALTER TABLE {schema}.attempt_hours ADD COLUMN shard smallint NOT NULL DEFAULT 0;
        ALTER TABLE {schema}.attempt_hours DROP CONSTRAINT attempt_hours_pkey;
        ALTER TABLE {schema}.attempt_hours ADD PRIMARY KEY (endpoint_id, hour, shard);
        """,
        """
        -- Deliveries due at the same time are leased in id order, as on SQLite (whose rowid is in every index): a total order
        -- that the index reads as it is, without sorting the rows of a time.
        CREATE INDEX ix_deliveries_due_id ON {schema}.deliveries (next_attempt_at, id) WHERE status = 0;
        DROP INDEX {schema}.ix_deliveries_due;
        """,
        """
        -- A tenant's log reads about a page, newest first, whatever the table holds: its own messages by (tenant, id), and the
        -- messages of others it received (a message of every tenant, or one resent to its endpoint) listed here for it.
        CREATE INDEX ix_messages_tenant_id ON {schema}.messages (tenant, id);
        CREATE TABLE {schema}.received_messages (
            tenant text NOT NULL,
            message_id text NOT NULL REFERENCES {schema}.messages (id) ON DELETE CASCADE,
            PRIMARY KEY (tenant, message_id)
        );
        CREATE INDEX ix_received_messages_message ON {schema}.received_messages (message_id);
        INSERT INTO {schema}.received_messages (tenant, message_id)
        SELECT DISTINCT e.tenant, m.id FROM {schema}.deliveries d
        JOIN {schema}.endpoints e ON e.id = d.endpoint_id
        JOIN {schema}.messages m ON m.id = d.message_id
        WHERE e.tenant IS NOT NULL AND m.tenant IS DISTINCT FROM e.tenant;
        """,
        """
        -- The dashboard's state, shared by every instance: the one-time links used (kept until they expire), and per tenant the
        -- time at or before which its sessions and links were revoked.
        CREATE TABLE {schema}.dashboard_used_links (
            id text PRIMARY KEY,
            expires_at timestamptz NOT NULL
        );
        CREATE INDEX ix_dashboard_used_links_expires ON {schema}.dashboard_used_links (expires_at);
        CREATE TABLE {schema}.dashboard_revocations (
            tenant text PRIMARY KEY,
            revoked_at timestamptz NOT NULL
        );
        """,
        """
        -- The fair scheduler. Each endpoint's circuit breaker: its failed attempts since its latest success (NULL: never attempted)
        -- and when the latest failed. And when it may next have a delivery a lease can take (NULL: none pending): leases read the
        -- endpoints due, longest waiting first, then each one's oldest due deliveries, which keep their place when not taken.
        ALTER TABLE {schema}.endpoints ADD COLUMN consecutive_failures integer;
        ALTER TABLE {schema}.endpoints ADD COLUMN last_failed_at timestamptz;
        ALTER TABLE {schema}.endpoints ADD COLUMN due_at timestamptz;
        UPDATE {schema}.endpoints e SET
            consecutive_failures = CASE WHEN failing_since IS NULL THEN 0 ELSE 1 END,
            last_failed_at = failing_since,
            due_at = (SELECT min(next_attempt_at) FROM {schema}.deliveries WHERE endpoint_id = e.id AND status = 0);
        CREATE INDEX ix_endpoints_due ON {schema}.endpoints (due_at) WHERE due_at IS NOT NULL;
        CREATE INDEX ix_deliveries_queue ON {schema}.deliveries (endpoint_id, next_attempt_at, id) WHERE status = 0;
        """,
        """
        -- Ordered delivery. Each endpoint's ordering (WebhookOrdering: 0 none, 1 ordered, 2 ordered skipping failures); each
        -- message's ordering key ('' for none) and place in publish order (drawn from a sequence as it is inserted: for messages
        -- published one after another, their commit order), copied to the queue of messages waiting to be expanded and to their
        -- deliveries. A lease takes, of an ordered endpoint, only each key's oldest pending or blocked delivery, and none while a
        -- message before it waits to be expanded (messages stored before have no place: they come first).
        ALTER TABLE {schema}.endpoints ADD COLUMN ordering smallint NOT NULL DEFAULT 0;
        CREATE SEQUENCE {schema}.messages_seq;
        ALTER TABLE {schema}.messages ADD COLUMN ordering_key text NOT NULL DEFAULT '';
        ALTER TABLE {schema}.messages ADD COLUMN seq bigint;
        ALTER TABLE {schema}.messages ALTER COLUMN seq SET DEFAULT nextval('{schema}.messages_seq');
        ALTER TABLE {schema}.unexpanded ADD COLUMN ordering_key text NOT NULL DEFAULT '';
        ALTER TABLE {schema}.unexpanded ADD COLUMN seq bigint;
        CREATE INDEX ix_unexpanded_ordered ON {schema}.unexpanded (ordering_key, seq);
        ALTER TABLE {schema}.deliveries ADD COLUMN ordering_key text NOT NULL DEFAULT '';
        ALTER TABLE {schema}.deliveries ADD COLUMN seq bigint;
        CREATE INDEX ix_deliveries_ordered ON {schema}.deliveries (endpoint_id, ordering_key, seq NULLS FIRST, id) WHERE status IN (0, 3);
        """,
        """
        -- Each hour's latest success (in each shard), kept as its latest failure is: an endpoint's last success reads its newest
        -- hours, not its attempts. The hours counted before take it from their attempts still stored (one pass over them; every
        -- shard of an hour with a success gets the hour's latest, which is what reading them together answers).
        ALTER TABLE {schema}.attempt_hours ADD COLUMN last_succeeded_at timestamptz;
        UPDATE {schema}.attempt_hours h SET last_succeeded_at = s.at
        FROM (SELECT d.endpoint_id, date_trunc('hour', a.started_at, 'UTC') AS hour, max(a.started_at) AS at
              FROM {schema}.attempts a JOIN {schema}.deliveries d ON d.id = a.delivery_id
              WHERE a.error_kind = 0
              GROUP BY 1, 2) AS s
        WHERE h.endpoint_id = s.endpoint_id AND h.hour = s.hour AND h.succeeded > 0;
        """,
        """
        -- Payload filters: per webhook name, the filter its payloads must match to be delivered to the endpoint (an object of
        -- filter texts; NULL for none), evaluated at fan-out.
        ALTER TABLE {schema}.endpoints ADD COLUMN filters jsonb;
        """,
        """
        -- Polling endpoints and their feed. A polling endpoint has no URL, and fan-out makes it no deliveries. Its feed must never
        -- let a reader's position pass a message that commits later: seq is drawn as a message is inserted, so one with a smaller
        -- seq may commit after a reader has read one with a larger. Each message keeps the id of the transaction that inserted it
        -- (tx: the app's own, for a publish in its transaction); the feed orders by (tx, seq) and reads only messages whose tx is
        -- below the current snapshot's xmin, every transaction below which has ended: nothing can appear there after a read. A
        -- transaction that stays open after writing holds the feed back until it ends. Messages stored before keep tx 0 (a
        -- constant default: no rewrite), before every other; those stored before ordered delivery get places in seq before every
        -- other, oldest first. A tenant's feed reads its own messages and those of every tenant (tenant NULL) by (tenant, tx, seq).
        ALTER TABLE {schema}.endpoints ALTER COLUMN url DROP NOT NULL;
        ALTER TABLE {schema}.messages ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
        ALTER TABLE {schema}.messages ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
        UPDATE {schema}.messages m SET seq = o.seq
        FROM (SELECT id, -row_number() OVER (ORDER BY created_at DESC, id DESC) AS seq FROM {schema}.messages WHERE seq IS NULL) AS o
        WHERE m.id = o.id;
        CREATE INDEX ix_messages_feed ON {schema}.messages (tenant, tx, seq);
        """,
    ];
}
