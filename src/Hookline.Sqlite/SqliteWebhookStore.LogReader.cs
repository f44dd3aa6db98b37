using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Sqlite;

/// <summary>
/// The delivery log (<see cref="IWebhookLogReader"/>): messages, deliveries and attempts, read on connections of their own.
/// </summary>
internal sealed partial class SqliteWebhookStore : IWebhookLogReader
{
    public async Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken) =>
        (await ReadMessagesAsync($"SELECT {MessageColumns} FROM messages m WHERE m.id = $id;", cancellationToken, ("$id", id))
            .ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken) =>
        ReadMessagesAsync(
            MessagesSql(query.Tenant is not null, query.Before is not null),
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$id", query.Id),
            ("$webhook", query.EventType),
            ("$endpoint", query.EndpointId),
            ("$status", (int?)query.Status),
            ("$since", query.Since is { } since ? ToUnix(since) : null),
            ("$until", query.Until is { } until ? ToUnix(until) : null),
            ("$before", query.Before),
            ("$limit", query.Limit));

    /// <summary>
    /// A page of messages, newest first. A tenant's page reads its own messages by <c>(tenant, id)</c> and those it received of
    /// others (sent to every tenant) by <c>received_messages</c>, each newest first and at most a page, then keeps the newest
    /// page of both: about a page of rows whatever the table holds. Without a tenant, the messages' own order is read.
    /// </summary>
    internal static string MessagesSql(bool tenant, bool before)
    {
        const string Filters =
            """
            ($id IS NULL OR m.id = $id)
              AND ($webhook IS NULL OR m.webhook = $webhook)
              AND ($since IS NULL OR m.created_at >= $since)
              AND ($until IS NULL OR m.created_at < $until)
              AND (($endpoint IS NULL AND $status IS NULL) OR EXISTS (
                    SELECT 1 FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                    WHERE d.message_id = m.id
                      AND ($tenant IS NULL OR e.tenant = $tenant)
                      AND ($endpoint IS NULL OR d.endpoint_id = $endpoint)
                      AND ($status IS NULL OR d.status = $status)))
            """;
        if (!tenant)
        {
            return $"""
                SELECT {MessageColumns} FROM messages m
                WHERE {Filters} {(before ? "AND m.id < $before" : "")}
                ORDER BY m.id DESC LIMIT $limit;
                """;
        }

        return $"""
            SELECT * FROM (
                SELECT {MessageColumns} FROM messages m
                WHERE m.tenant = $tenant {(before ? "AND m.id < $before" : "")} AND {Filters}
                ORDER BY m.id DESC LIMIT $limit)
            UNION ALL
            SELECT * FROM (
                SELECT {MessageColumns} FROM received_messages r JOIN messages m ON m.id = r.message_id
                WHERE r.tenant = $tenant {(before ? "AND r.message_id < $before" : "")} AND {Filters}
                ORDER BY r.message_id DESC LIMIT $limit)
            ORDER BY id DESC LIMIT $limit;
            """;
    }

    private const string MessageColumns = "m.id, m.webhook, m.method, m.tenant, m.payload, m.created_at";

    private async Task<IReadOnlyList<WebhookMessage>> ReadMessagesAsync(
        string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            sql,
            reader => new WebhookMessage(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                NullableText(reader, 3),
                (byte[])reader.GetValue(4),
                FromUnix(reader.GetInt64(5))),
            cancellationToken,
            parameters).ConfigureAwait(false);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string messageId, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync("WHERE message_id = $message", cancellationToken, ("$message", messageId));

    public Task<IReadOnlyList<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken) =>
        ReadDeliveriesAsync(
            """
            WHERE message_id IN (SELECT value FROM json_each($messages))
              AND endpoint_id IN (SELECT id FROM endpoints WHERE tenant = $tenant)
            """,
            cancellationToken,
            ("$messages", JsonSerializer.Serialize([.. query.MessageIds], SqliteJsonContext.Default.ListString)),
            ("$tenant", query.Tenant));

    private async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(
        string where, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            // The attempts counted are the ones logged: the column counts only those since the last resend or recovery (the retry
            // schedule's place), and not an attempt whose owner had lost its lease.
            $"""
            SELECT d.id, d.message_id, d.endpoint_id, d.status,
                   (SELECT count(*) FROM attempts a WHERE a.delivery_id = d.id), d.next_attempt_at
            FROM deliveries d {where} ORDER BY d.id;
            """,
            reader => new WebhookDelivery(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                (WebhookDeliveryStatus)reader.GetInt32(3),
                reader.GetInt32(4),
                FromUnix(reader.GetInt64(5))),
            cancellationToken,
            parameters).ConfigureAwait(false);

    public Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string messageId, CancellationToken cancellationToken) =>
        ReadAttemptsAsync("WHERE d.message_id = $message ORDER BY a.id", cancellationToken, ("$message", messageId));

    public Task<IReadOnlyList<WebhookAttempt>> QueryAttemptsAsync(WebhookAttemptQuery query, CancellationToken cancellationToken) =>
        ReadAttemptsAsync(
            """
            WHERE ($tenant IS NULL OR d.endpoint_id IN (SELECT id FROM endpoints WHERE tenant = $tenant))
              AND ($endpoint IS NULL OR d.endpoint_id = $endpoint)
              AND ($message IS NULL OR d.message_id = $message)
              AND ($webhook IS NULL OR m.webhook = $webhook)
              AND ($succeeded IS NULL OR (a.error_kind = 0) = $succeeded)
              AND ($since IS NULL OR a.started_at >= $since)
              AND ($until IS NULL OR a.started_at < $until)
              AND ($before IS NULL OR a.id < $before)
            ORDER BY a.id DESC
            LIMIT $limit
            """,
            cancellationToken,
            ("$tenant", query.Tenant),
            ("$endpoint", query.EndpointId),
            ("$message", query.MessageId),
            ("$webhook", query.EventType),
            ("$succeeded", query.Succeeded),
            ("$since", query.Since is { } since ? ToUnix(since) : null),
            ("$until", query.Until is { } until ? ToUnix(until) : null),
            ("$before", query.Before),
            ("$limit", query.Limit));

    private async Task<IReadOnlyList<WebhookAttempt>> ReadAttemptsAsync(
        string whereAndOrder, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await ReadAsync(
            $"""
            SELECT a.id, a.delivery_id, d.message_id, d.endpoint_id, m.webhook, a.started_at, a.duration_us, a.status_code, a.response_body,
                a.error_kind, a.error
            FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN messages m ON m.id = d.message_id
            {whereAndOrder};
            """,
            reader => new WebhookAttempt(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                FromUnix(reader.GetInt64(5)),
                TimeSpan.FromMicroseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                NullableText(reader, 8),
                (WebhookAttemptErrorKind)reader.GetInt32(9),
                NullableText(reader, 10)),
            cancellationToken,
            parameters).ConfigureAwait(false);
}
