namespace Hookline.Storage;

/// <summary>
/// The store's endpoints: the URLs that receive webhooks, with their secrets and settings. Writes are
/// compare-and-set on <see cref="WebhookEndpoint.Version"/>, so concurrent changes never overwrite each other.
/// </summary>
/// <remarks>The endpoint manager and the management API use it.</remarks>
public interface IWebhookEndpointStore
{
    /// <summary>
    /// Stores a new endpoint, at its <see cref="WebhookEndpoint.Version"/>, unless its tenant already has
    /// <paramref name="maxPerTenant"/> endpoints: the count and the insert are one step, so creates racing at the cap (on any number
    /// of instances) never both succeed.
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="maxPerTenant">
    /// The most endpoints its <see cref="WebhookEndpoint.Tenant"/> may have, this one included; <see langword="null"/> for no cap.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was stored: <see langword="false"/> when the tenant was at the cap, and nothing was stored.</returns>
    Task<bool> CreateEndpointAsync(WebhookEndpoint endpoint, int? maxPerTenant, CancellationToken cancellationToken);

    /// <summary>The endpoint with this id, or <see langword="null"/>.</summary>
    Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken);

    /// <summary>The endpoints of a tenant (or of no tenant), oldest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken);

    /// <summary>A page of a tenant's endpoints matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(WebhookEndpointQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set: replaces an endpoint's fields only if its stored version is still
    /// <paramref name="endpoint"/>'s <see cref="WebhookEndpoint.Version"/>, and stores the version one
    /// higher. Disabling it fails its pending deliveries (a recovery replays them).
    /// </summary>
    Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes an endpoint with its deliveries and attempts: whatever its version when
    /// <paramref name="version"/> is <see langword="null"/>, else only at that version.
    /// </summary>
    Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken);
}
