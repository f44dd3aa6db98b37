using Hookline.Storage;

namespace Hookline.PostgreSql;

/// <summary>The dashboard's shared state (<see cref="IWebhookDashboardStateStore"/>): used links and revoked sessions.</summary>
internal sealed partial class PostgreSqlWebhookStore
{
    public Task<bool> RedeemLinkAsync(string linkId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // Links are opened by people, rarely: purging the expired ids as each is used keeps the table small.
                await ExecuteAsync(
                        connection,
                        transaction,
                        "DELETE FROM {schema}.dashboard_used_links WHERE expires_at <= @now;",
                        cancellationToken,
                        Time("now", now))
                    .ConfigureAwait(false);
                // A concurrent insert of the same id waits for this one's commit, then inserts nothing: exactly one wins.
                var inserted = await ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO {schema}.dashboard_used_links (id, expires_at) VALUES (@id, @expires_at) ON CONFLICT (id) DO NOTHING;",
                        cancellationToken,
                        Text("id", linkId),
                        Time("expires_at", expiresAt))
                    .ConfigureAwait(false);
                return inserted == 1;
            },
            cancellationToken);

    public Task RevokeSessionsAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(
            (connection, transaction) => ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO {schema}.dashboard_revocations (tenant, revoked_at) VALUES (@tenant, @revoked_at)
                ON CONFLICT (tenant) DO UPDATE SET revoked_at = greatest({schema}.dashboard_revocations.revoked_at, excluded.revoked_at);
                """,
                cancellationToken,
                Text("tenant", tenant),
                Time("revoked_at", before)),
            cancellationToken);

    public async Task<DateTimeOffset?> GetSessionsRevokedAtAsync(string tenant, CancellationToken cancellationToken)
    {
        var times = await ReadAsync(
                "SELECT revoked_at FROM {schema}.dashboard_revocations WHERE tenant = @tenant;",
                r => r.GetFieldValue<DateTimeOffset>(0),
                cancellationToken,
                Text("tenant", tenant))
            .ConfigureAwait(false);
        return times.Count == 0 ? null : times[0];
    }
}
