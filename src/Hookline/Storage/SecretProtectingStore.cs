using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Hookline.Storage;

/// <summary>
/// Keeps endpoint signing secrets encrypted at rest with ASP.NET Core Data Protection: whatever the
/// store, it is only ever given encrypted secrets, and Hookline only ever sees plain ones. Secrets
/// travel in two roles only: endpoints (written and read) and the delivery queue (leased deliveries carry
/// them to the dispatcher), so it wraps those two; the message appender and the log reader carry none and
/// are the store itself.
/// </summary>
/// <remarks>
/// Every app instance must share the Data Protection key ring (see <c>PersistKeysTo...</c>; <c>UsePostgreSql</c> keeps it in
/// the webhook database unless the app keeps it elsewhere) and the application name, or the instances cannot read each
/// other's secrets. The protector is the app's (<see cref="IDataProtectionProvider"/> from its services), whose purpose chain
/// starts with the app's application name (by default its content root path): a purpose added here cannot take that away,
/// and a Hookline-wide name would mean a second key ring, so instances in different folders need <c>SetApplicationName</c>,
/// as the app's own cookies do. Secrets stored in plain text by an older Hookline
/// (they start with <c>whsec_</c>) are read as they are, and encrypted when the endpoint next changes.
/// </remarks>
internal sealed class SecretProtectingStore(IWebhookStore inner, IDataProtectionProvider protection)
    : IWebhookEndpointStore, IWebhookDeliveryQueue, IDisposable
{
    private const int MaxCached = 10_000;

    private readonly IDataProtector _protector = protection.CreateProtector("Hookline.EndpointSecrets.v1");

    // Leasing reads secrets for every delivery; decrypting each one once is enough.
    private readonly ConcurrentDictionary<string, string> _plain = new(StringComparer.Ordinal);

    /// <summary>The store itself, for the roles that carry no secrets and for its schema.</summary>
    public IWebhookStore Inner => inner;

    public Task CreateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        inner.CreateEndpointAsync(endpoint with { Secrets = Protect(endpoint.Secrets) }, cancellationToken);

    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken) =>
        await inner.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is { } endpoint ? Unprotect(endpoint) : null;

    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(string? tenant, CancellationToken cancellationToken) =>
        [.. (await inner.ListEndpointsAsync(tenant, cancellationToken).ConfigureAwait(false)).Select(Unprotect)];

    public async Task<IReadOnlyList<WebhookEndpoint>> QueryEndpointsAsync(EndpointQuery query, CancellationToken cancellationToken) =>
        [.. (await inner.QueryEndpointsAsync(query, cancellationToken).ConfigureAwait(false)).Select(Unprotect)];

    public Task<WebhookEndpointWrite> UpdateEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        inner.UpdateEndpointAsync(endpoint with { Secrets = Protect(endpoint.Secrets) }, cancellationToken);

    public Task<WebhookEndpointWrite> DeleteEndpointAsync(string id, long? version, CancellationToken cancellationToken) =>
        inner.DeleteEndpointAsync(id, version, cancellationToken);

    public async Task<LeaseResult> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        var leased = await inner.LeaseAsync(request, cancellationToken).ConfigureAwait(false);
        return new([.. leased.Select(d => d with { Secrets = Unprotect(d.EndpointId, d.Secrets) })], leased.NextDueAt);
    }

    // The rest of the queue carries no secrets.
    public Task<int> ExpandAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        inner.ExpandAsync(now, max, cancellationToken);

    public Task CompleteAsync(IReadOnlyList<AttemptResult> results, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.CompleteAsync(results, now, cancellationToken);

    public Task ReleaseAsync(string owner, IReadOnlyList<ReleasedDelivery> deliveries, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(owner, deliveries, cancellationToken);

    public Task<bool> ResendAsync(string messageId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ResendAsync(messageId, endpointId, now, cancellationToken);

    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.RecoverAsync(endpointId, since, now, cancellationToken);

    public Task<BacklogStats> GetBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.GetBacklogAsync(now, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.PurgeAsync(before, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private List<WebhookEndpointSecret> Protect(IReadOnlyList<WebhookEndpointSecret> secrets) =>
        [.. secrets.Select(s => s with { Value = _protector.Protect(s.Value) })];

    private WebhookEndpoint Unprotect(WebhookEndpoint endpoint) => endpoint with { Secrets = Unprotect(endpoint.Id, endpoint.Secrets) };

    private List<WebhookEndpointSecret> Unprotect(string endpointId, IReadOnlyList<WebhookEndpointSecret> secrets) =>
        [.. secrets.Select(s => s with { Value = Unprotect(endpointId, s.Value) })];

    private string Unprotect(string endpointId, string stored)
    {
        if (stored.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        if (_plain.TryGetValue(stored, out var plain))
        {
            return plain;
        }

        try
        {
            plain = _protector.Unprotect(stored);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException(
                $"The signing secret of webhook endpoint '{endpointId}' cannot be decrypted: the Data Protection key that encrypted "
                + "it is not in this app's key ring, or it was encrypted under another application name. Every instance must share "
                + "one key ring (services.AddDataProtection().PersistKeysTo..., or the webhook database, as UsePostgreSql does) and one "
                + "application name (.SetApplicationName(...): by default it is the app's content root, so instances deployed to "
                + "different folders differ).",
                e);
        }

        if (_plain.Count >= MaxCached)
        {
            _plain.Clear();
        }

        _plain[stored] = plain;
        return plain;
    }
}
