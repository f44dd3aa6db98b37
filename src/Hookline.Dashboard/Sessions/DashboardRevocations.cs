using Hookline.Storage;

namespace Hookline.Dashboard.Sessions;

/// <summary>
/// A tenant's "every session opened and link made until then is void", kept in the webhook store, which every instance
/// shares, and read on every check, without a cache: a revocation holds from the next call on, on every instance.
/// </summary>
internal sealed class DashboardRevocations(IWebhookDashboardStateStore store, TimeProvider time)
{
    /// <summary>Voids the tenant's sessions and links made until now; returns that time.</summary>
    public async Task<DateTimeOffset> RevokeAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await store.RevokeSessionsAsync(tenant, now, cancellationToken).ConfigureAwait(false);
        return now;
    }

    /// <summary>
    /// Whether what the tenant opened or made at <paramref name="at"/> is void. Compared to the millisecond, as the store keeps
    /// times: what was made in the revocation's own millisecond is void too.
    /// </summary>
    public async Task<bool> IsRevokedAsync(string tenant, DateTimeOffset at, CancellationToken cancellationToken) =>
        await store.GetSessionsRevokedAtAsync(tenant, cancellationToken).ConfigureAwait(false) is { } revokedAt
        && at.ToUnixTimeMilliseconds() <= revokedAt.ToUnixTimeMilliseconds();
}
