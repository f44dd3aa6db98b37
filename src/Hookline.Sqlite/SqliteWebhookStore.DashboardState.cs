using Hookline.Storage;

namespace Hookline.Sqlite;

/// <summary>The dashboard's shared state (<see cref="IWebhookDashboardStateStore"/>): used links and revoked sessions.</summary>
internal sealed partial class SqliteWebhookStore : IWebhookDashboardStateStore
{
    public Task<bool> RedeemLinkAsync(string linkId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // Links are opened by people, rarely: purging the expired ids as each is used keeps the table small.
                await ExecuteAsync(
                        connection,
                        transaction,
                        "DELETE FROM dashboard_used_links WHERE expires_at <= $now;",
                        cancellationToken,
                        ("$now", ToUnix(now)))
                    .ConfigureAwait(false);
                var inserted = await ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO dashboard_used_links (id, expires_at) VALUES ($id, $expires_at) ON CONFLICT (id) DO NOTHING;",
                        cancellationToken,
                        ("$id", linkId),
                        ("$expires_at", ToUnix(expiresAt)))
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
                INSERT INTO dashboard_revocations (tenant, revoked_at) VALUES ($tenant, $revoked_at)
                ON CONFLICT (tenant) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at);
                """,
                cancellationToken,
                ("$tenant", tenant),
                ("$revoked_at", ToUnix(before))),
            cancellationToken);

    public async Task<DateTimeOffset?> GetSessionsRevokedAtAsync(string tenant, CancellationToken cancellationToken)
    {
        var times = await ReadAsync(
                "SELECT revoked_at FROM dashboard_revocations WHERE tenant = $tenant;",
                r => r.GetInt64(0),
                cancellationToken,
                ("$tenant", tenant))
            .ConfigureAwait(false);
        return times.Count == 0 ? null : FromUnix(times[0]);
    }
}
