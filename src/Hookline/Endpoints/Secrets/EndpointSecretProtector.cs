using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Hookline;

/// <summary>
/// Encrypts endpoint signing secrets for the store and decrypts them for whoever needs them in the clear (the management API,
/// the sender), with ASP.NET Core Data Protection.
/// </summary>
/// <remarks>
/// Every app instance must share the Data Protection key ring (see <c>PersistKeysTo...</c>; <c>UsePostgreSql</c> keeps it in
/// the webhook database unless the app keeps it elsewhere) and the application name, or the instances cannot read each
/// other's secrets. The protector is the app's (<see cref="IDataProtectionProvider"/> from its services), whose purpose chain
/// starts with the app's application name (by default its content root path): a purpose added here cannot take that away,
/// and a Hookline-wide name would mean a second key ring, so instances in different folders need <c>SetApplicationName</c>,
/// as the app's own cookies do. Secrets stored in plain text by an older Hookline (they start with <c>whsec_</c>) are read as
/// they are, and encrypted when the endpoint next changes.
/// </remarks>
internal sealed class EndpointSecretProtector(IDataProtectionProvider protection)
{
    private const int MaxCached = 10_000;

    private readonly IDataProtector _protector = protection.CreateProtector("Hookline.EndpointSecrets.v1");

    // The sender reads secrets for every delivery; decrypting each one once is enough.
    private readonly ConcurrentDictionary<string, string> _plain = new(StringComparer.Ordinal);

    public List<WebhookEndpointSecret> Protect(IReadOnlyList<WebhookEndpointSecret> secrets) =>
        [.. secrets.Select(s => s with { Value = _protector.Protect(s.Value) })];

    /// <summary>The secrets in the clear.</summary>
    /// <exception cref="CryptographicException">A secret cannot be decrypted with this app's key ring; the message says why.</exception>
    public List<WebhookEndpointSecret> Unprotect(string endpointId, IReadOnlyList<WebhookEndpointSecret> secrets) =>
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
