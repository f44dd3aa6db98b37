using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Creates and manages the endpoints webhooks are delivered to, and replays deliveries. Methods that
/// take an id return <see langword="null"/> (or <see langword="false"/>) when it does not exist.
/// Settings that are not valid throw an <see cref="ArgumentException"/> naming the setting, and store nothing.
/// </summary>
/// <remarks>
/// Changes to one endpoint never overwrite each other: each applies to the endpoint as it is when it is
/// stored (a change that finds the endpoint changed since it read it reads it again and retries), so
/// replacing the settings never undoes a rotation, an enable or a disable made meanwhile. To change an
/// endpoint only if it is still as the caller last saw it, pass its <see cref="WebhookEndpoint.Version"/>
/// as <c>ifVersion</c>: if it changed since, the call throws <see cref="WebhookEndpointConflictException"/>
/// and changes nothing.
/// </remarks>
public interface IWebhookEndpointManager
{
    /// <summary>Registers an endpoint, enabled, with a new signing secret.</summary>
    /// <param name="settings">Its URL, description and webhooks.</param>
    /// <param name="tenant">The tenant that owns it and receives its messages; <see langword="null"/> for none.</param>
    /// <param name="secret">A <c>whsec_</c> secret the receiver already has (moving endpoints from another system, a demo); by
    /// default a new random one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint, with its <c>whsec_</c> secret.</returns>
    /// <exception cref="WebhookEndpointLimitException">
    /// The tenant already has <see cref="WebhookOptions.MaxEndpointsPerTenant"/> endpoints.
    /// </exception>
    Task<WebhookEndpoint> CreateAsync(
        WebhookEndpointSettings settings, string? tenant = null, string? secret = null, CancellationToken cancellationToken = default);

    /// <summary>The endpoint with this id.</summary>
    Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The endpoints of a tenant (or of no tenant), oldest first.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an endpoint's URL, description, webhooks and rate limit; its secrets and whether it is enabled stay as they are.
    /// A polling endpoint stays one, and one with a URL keeps one: settings of the other kind throw an
    /// <see cref="ArgumentException"/> naming <see cref="WebhookEndpointSettings.Polling"/>.
    /// </summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="settings">The new settings.</param>
    /// <param name="ifVersion">
    /// Change it only if it is still at this <see cref="WebhookEndpoint.Version"/>; <see langword="null"/> to change it whatever
    /// happened since.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="WebhookEndpointConflictException">
    /// It is no longer at <paramref name="ifVersion"/>, or other changes kept overtaking this one.
    /// </exception>
    Task<WebhookEndpoint?> UpdateAsync(
        string id, WebhookEndpointSettings settings, long? ifVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Enables an endpoint, with a clean record: it is no longer counted as failing.</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="ifVersion">
    /// Change it only if it is still at this <see cref="WebhookEndpoint.Version"/>; <see langword="null"/> to change it whatever
    /// happened since.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="WebhookEndpointConflictException">
    /// It is no longer at <paramref name="ifVersion"/>, or other changes kept overtaking this one.
    /// </exception>
    Task<WebhookEndpoint?> EnableAsync(string id, long? ifVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Disables an endpoint; its pending deliveries fail (a recovery replays them once it is enabled again).</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="reason">Why, for its owner; by default "Disabled by its owner.".</param>
    /// <param name="ifVersion">
    /// Change it only if it is still at this <see cref="WebhookEndpoint.Version"/>; <see langword="null"/> to change it whatever
    /// happened since.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="WebhookEndpointConflictException">
    /// It is no longer at <paramref name="ifVersion"/>, or other changes kept overtaking this one.
    /// </exception>
    Task<WebhookEndpoint?> DisableAsync(
        string id, string? reason = null, long? ifVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an endpoint with its deliveries and attempts.</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="ifVersion">
    /// Delete it only if it is still at this <see cref="WebhookEndpoint.Version"/>; <see langword="null"/> to delete it whatever
    /// its version.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="WebhookEndpointConflictException">It is no longer at <paramref name="ifVersion"/>.</exception>
    Task<bool> DeleteAsync(string id, long? ifVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an endpoint a new signing secret. The old one keeps signing, next to the new one, for
    /// <paramref name="overlap"/> (default 24 hours), so the receiver can switch without missing a delivery.
    /// At most 10 secrets sign at once: a rotation that would make more is refused.
    /// </summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="overlap">How long the secret current until now keeps signing; default 24 hours.</param>
    /// <param name="ifVersion">
    /// Change it only if it is still at this <see cref="WebhookEndpoint.Version"/>; <see langword="null"/> to change it whatever
    /// happened since.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint, its new secret first; <see langword="null"/> if it does not exist.</returns>
    /// <exception cref="WebhookEndpointConflictException">
    /// It is no longer at <paramref name="ifVersion"/>, or other changes kept overtaking this one.
    /// </exception>
    /// <exception cref="WebhookSecretLimitException">It already has the most secrets that may sign at once.</exception>
    Task<WebhookEndpoint?> RotateSecretAsync(
        string id, TimeSpan? overlap = null, long? ifVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers a message to an enabled endpoint again, now, whatever happened before; unless that delivery is being attempted right
    /// now, when nothing changes (<see cref="WebhookResendOutcome.InFlight"/>): a resend never sends it twice at once.
    /// </summary>
    /// <returns>
    /// <see cref="WebhookResendOutcome.Resent"/>; <see cref="WebhookResendOutcome.NotFound"/> when the message or the endpoint
    /// does not exist, or
    /// the endpoint is disabled or a polling endpoint (never sent anything: its feed is read again from an earlier cursor);
    /// <see cref="WebhookResendOutcome.InFlight"/> when the delivery is being attempted (resend it after).
    /// </returns>
    Task<WebhookResendOutcome> ResendAsync(string messageId, string endpointId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives up on a <see cref="WebhookDeliveryStatus.Blocked"/> delivery (it becomes
    /// <see cref="WebhookDeliveryStatus.Failed"/>), so that the
    /// later deliveries of its ordering key go (<see cref="WebhookOrdering.Ordered"/>).
    /// </summary>
    /// <returns>Whether the delivery was blocked (and is now skipped).</returns>
    Task<bool> SkipAsync(string messageId, string endpointId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers again, now, every failed delivery to an enabled endpoint of messages published since <paramref name="since"/>.
    /// </summary>
    /// <returns>How many deliveries were replayed.</returns>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, CancellationToken cancellationToken = default);
}
