using System.Buffers.Text;
using System.Security.Cryptography;
using Hookline.Dashboard.Sessions;
using Hookline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Links;

/// <summary>
/// Makes, reads and opens one-time links. A link is its data protected by Data Protection, so it needs no storage to make or
/// read; expiry is checked against <see cref="TimeProvider"/> (Data Protection's time-limited protector reads the wall clock).
/// Opening one redeems its id in the webhook store, atomically, so it opens once whichever instance is asked. The token
/// travels in the link's fragment, which browsers never send: no server or proxy log sees it.
/// </summary>
internal sealed class DashboardLinks(
    IDataProtectionProvider protection,
    IWebhookDashboardStateStore store,
    DashboardRevocations revocations,
    DashboardPath path,
    IOptions<WebhookDashboardOptions> options,
    TimeProvider time,
    ILogger<DashboardLinks> logger) : IWebhookDashboardLinks
{
    private readonly SealedJson<DashboardLinkToken> _tokens =
        new(protection.CreateProtector("Hookline.Dashboard.Link.v1"), DashboardJsonContext.Default.DashboardLinkToken);

    /// <summary><see cref="WebhookDashboardOptions.PublicBaseUrl"/> without its trailing slash, or null.</summary>
    public string? PublicBaseUrl { get; } = options.Value.PublicBaseUrl?.TrimEnd('/');

    public Task<WebhookDashboardLink> CreateAsync(string tenant, bool readOnly = false, CancellationToken cancellationToken = default) =>
        Task.FromResult(Create(tenant, readOnly, PublicBaseUrl ?? ""));

    public async Task RevokeAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var before = await revocations.RevokeAsync(tenant, cancellationToken).ConfigureAwait(false);
        DashboardLog.Revoked(logger, before);
    }

    /// <summary>A link under <paramref name="baseUrl"/> (the app's root: a URL, or empty for a path from the root).</summary>
    public WebhookDashboardLink Create(string tenant, bool readOnly, string baseUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.LinkLifetime;
        var token = new DashboardLinkToken(
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), tenant, readOnly, now, expiresAt);
        DashboardLog.LinkCreated(logger, token.Id, readOnly);
        return new WebhookDashboardLink($"{baseUrl}{path.Value}/links#{_tokens.Seal(token)}", expiresAt, readOnly);
    }

    /// <summary>
    /// Reads a link without using it: its token when valid, unexpired and not revoked. (Whether it was used shows on opening.)
    /// </summary>
    public async Task<(DashboardLinkOutcome Outcome, DashboardLinkToken? Token)> ReadAsync(string link, CancellationToken cancellationToken)
    {
        if (_tokens.Open(link) is not { } token)
        {
            return (DashboardLinkOutcome.Invalid, null);
        }

        if (token.ExpiresAt <= time.GetUtcNow())
        {
            return (DashboardLinkOutcome.Expired, token);
        }

        return await revocations.IsRevokedAsync(token.Tenant, token.IssuedAt, cancellationToken).ConfigureAwait(false)
            ? (DashboardLinkOutcome.Revoked, token)
            : (DashboardLinkOutcome.Opened, token);
    }

    /// <summary>Opens a link: its token when valid, unexpired, not revoked and never opened before (then never again).</summary>
    public async Task<(DashboardLinkOutcome Outcome, DashboardLinkToken? Token)> OpenAsync(string link, CancellationToken cancellationToken)
    {
        var (outcome, token) = await ReadAsync(link, cancellationToken).ConfigureAwait(false);
        if (outcome == DashboardLinkOutcome.Opened
            && !await store.RedeemLinkAsync(token!.Id, token.ExpiresAt, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            outcome = DashboardLinkOutcome.Used;
        }

        if (outcome != DashboardLinkOutcome.Opened)
        {
            DashboardLog.LinkRefused(logger, token?.Id ?? "-", outcome);
            return (outcome, null);
        }

        DashboardLog.LinkOpened(logger, token!.Id, token.ReadOnly);
        return (outcome, token);
    }
}
