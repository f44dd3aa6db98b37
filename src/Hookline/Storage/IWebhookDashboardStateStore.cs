namespace Hookline.Storage;

/// <summary>
/// The little the webhook dashboard shares between app instances: which one-time links were used, and which tenants revoked
/// their sessions. Links and sessions themselves are stateless (sealed by Data Protection); kept in the webhook store, which
/// every instance shares, this makes "once" and "revoked" hold for all of them.
/// </summary>
/// <remarks>The dashboard (<c>Hookline.Dashboard</c>) uses it.</remarks>
public interface IWebhookDashboardStateStore
{
    /// <summary>
    /// Records the one-time link <paramref name="linkId"/> as used, atomically: of concurrent calls with one id, on any
    /// instance, exactly one answers <see langword="true"/>; every later call answers <see langword="false"/> until
    /// <paramref name="expiresAt"/>. After that the id may be forgotten (the link itself no longer opens). A store may purge
    /// the ids expired at <paramref name="now"/> as it writes.
    /// </summary>
    /// <param name="linkId">The link's random id.</param>
    /// <param name="expiresAt">When the link expires: how long the id must be remembered.</param>
    /// <param name="now">The time now, for purging the ids of expired links.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>Whether this call used the link (<see langword="false"/>: it was used before).</returns>
    Task<bool> RedeemLinkAsync(string linkId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes the dashboard sessions and links of <paramref name="tenant"/> made at or before <paramref name="before"/>. The
    /// tenant's revocation time only moves forward: an earlier <paramref name="before"/> than the stored one changes nothing.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="before">Sessions opened and links made at or before this time are void.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task RevokeSessionsAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// The time at or before which the sessions and links of <paramref name="tenant"/> are void, or <see langword="null"/>.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<DateTimeOffset?> GetSessionsRevokedAtAsync(string tenant, CancellationToken cancellationToken);
}
