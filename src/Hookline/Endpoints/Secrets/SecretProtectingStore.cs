using Hookline.Storage;

namespace Hookline;

/// <summary>
/// Keeps endpoint signing secrets encrypted at rest: whatever the store, it is only ever given encrypted secrets, and the
/// endpoint role hands them out in the clear. Leased deliveries carry them as stored: the sender decrypts them as it signs, so
/// a secret that cannot be decrypted fails that one attempt, not the lease of a whole batch.
/// </summary>
internal sealed class SecretProtectingStore(IWebhookStore inner, EndpointSecretProtector protector) : IWebhookEndpointStore, IDisposable
{
    /// <summary>The store itself, for the roles that carry no secrets in the clear and for its schema.</summary>
    public IWebhookStore Inner => inner;

    public Task<bool> CreateEndpointAsync(WebhookEndpoint endpoint, int? maxPerTenant, CancellationToken cancellationToken) =>
        inner.CreateEndpointAsync(endpoint with { Secrets = protector.Protect(endpoint.Secrets) }, maxPerTenant, cancellationToken);

    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken) =>
        await inner.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is { } endpoint ? Unprotect(endpoint) : null;

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken) =>
        [.. (await inner.ListEndpointsAsync(tenant, cancellationToken).ConfigureAwait(false)).Select(Unprotect)];

    public async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(
        WebhookEndpointQuery query, CancellationToken cancellationToken) =>
        [.. (await inner.QueryEndpointsAsync(query, cancellationToken).ConfigureAwait(false)).Select(Unprotect)];

    public Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        inner.UpdateEndpointAsync(endpoint with { Secrets = protector.Protect(endpoint.Secrets) }, cancellationToken);

    public Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken) =>
        inner.DeleteEndpointAsync(id, version, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private WebhookEndpoint Unprotect(WebhookEndpoint endpoint) =>
        endpoint with { Secrets = protector.Unprotect(endpoint.Id, endpoint.Secrets) };
}
