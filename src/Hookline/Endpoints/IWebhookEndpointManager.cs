using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Creates and manages the endpoints webhooks are delivered to, and replays deliveries. Methods that
/// take an id return <see langword="null"/> (or <see langword="false"/>) when it does not exist.
/// Settings that are not valid throw an <see cref="ArgumentException"/> naming the setting, and store nothing.
/// </summary>
public interface IWebhookEndpointManager
{
    /// <summary>Registers an endpoint, enabled, with a new signing secret.</summary>
    /// <param name="settings">Its URL, description and webhooks.</param>
    /// <param name="tenant">The tenant that owns it and receives its messages; <see langword="null"/> for none.</param>
    /// <param name="secret">A <c>whsec_</c> secret the receiver already has (moving endpoints from another system, a demo); by default a new random one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint, with its <c>whsec_</c> secret.</returns>
    Task<WebhookEndpoint> CreateAsync(WebhookEndpointSettings settings, string? tenant = null, string? secret = null, CancellationToken cancellationToken = default);

    /// <summary>The endpoint with this id.</summary>
    Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The endpoints of a tenant (or of no tenant), oldest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces an endpoint's URL, description and webhooks.</summary>
    Task<WebhookEndpoint?> UpdateAsync(string id, WebhookEndpointSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Enables an endpoint, with a clean record: it is no longer counted as failing.</summary>
    Task<WebhookEndpoint?> EnableAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Disables an endpoint; its pending deliveries fail (a recovery replays them once it is enabled again).</summary>
    Task<WebhookEndpoint?> DisableAsync(string id, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an endpoint with its deliveries and attempts.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an endpoint a new signing secret. The old one keeps signing, next to the new one, for
    /// <paramref name="overlap"/> (default 24 hours), so the receiver can switch without missing a delivery.
    /// </summary>
    Task<WebhookEndpoint?> RotateSecretAsync(string id, TimeSpan? overlap = null, CancellationToken cancellationToken = default);

    /// <summary>Delivers a message to an enabled endpoint again, now, whatever happened before.</summary>
    Task<bool> ResendAsync(string messageId, string endpointId, CancellationToken cancellationToken = default);

    /// <summary>Delivers again, now, every failed delivery to an enabled endpoint of messages published since <paramref name="since"/>.</summary>
    /// <returns>How many deliveries were replayed.</returns>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, CancellationToken cancellationToken = default);
}
