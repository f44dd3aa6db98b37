using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Links;

/// <summary>
/// Makes and opens one-time links. A link is its data protected by Data Protection, so it needs no storage to make or check;
/// expiry is checked against <see cref="TimeProvider"/> (Data Protection's time-limited protector reads the wall clock). A used
/// link's id is remembered in <see cref="IDistributedCache"/> until the link expires: with a shared cache (Redis, SQL Server)
/// every instance refuses it.
/// </summary>
internal sealed class DashboardLinks(
    IDataProtectionProvider protection,
    IDistributedCache cache,
    DashboardPath path,
    IOptions<WebhookDashboardOptions> options,
    TimeProvider time,
    ILogger<DashboardLinks> logger) : IWebhookDashboardLinks
{
    private const string UsedKeyPrefix = "hookline:dashboard:used-link:";

    private readonly SealedJson<DashboardLinkToken> _tokens =
        new(protection.CreateProtector("Hookline.Dashboard.Link.v1"), DashboardJsonContext.Default.DashboardLinkToken);

    // One instance's concurrent opens of the same link are decided one at a time; across instances the shared cache has no
    // atomic "add if absent", leaving a window of one cache round trip.
    private readonly SemaphoreSlim _redeeming = new(1, 1);

    public Task<WebhookDashboardLink> CreateAsync(string tenant, bool readOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var expiresAt = time.GetUtcNow() + options.Value.LinkLifetime;
        var token = new DashboardLinkToken(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), tenant, readOnly, expiresAt);
        DashboardLog.LinkCreated(logger, token.Id, readOnly);
        return Task.FromResult(new WebhookDashboardLink($"{path.Value}/links/{_tokens.Seal(token)}", expiresAt, readOnly));
    }

    /// <summary>Opens a link: its token when valid, unexpired and never opened before (then never again).</summary>
    public async Task<(DashboardLinkOutcome Outcome, DashboardLinkToken? Token)> OpenAsync(string link, CancellationToken cancellationToken)
    {
        if (_tokens.Open(link) is not { } token)
        {
            DashboardLog.LinkRefused(logger, "-", DashboardLinkOutcome.Invalid);
            return (DashboardLinkOutcome.Invalid, null);
        }

        var left = token.ExpiresAt - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            DashboardLog.LinkRefused(logger, token.Id, DashboardLinkOutcome.Expired);
            return (DashboardLinkOutcome.Expired, null);
        }

        await _redeeming.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = UsedKeyPrefix + token.Id;
            if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
            {
                DashboardLog.LinkRefused(logger, token.Id, DashboardLinkOutcome.Used);
                return (DashboardLinkOutcome.Used, null);
            }

            await cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = left }, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _redeeming.Release();
        }

        DashboardLog.LinkOpened(logger, token.Id, token.ReadOnly);
        return (DashboardLinkOutcome.Opened, token);
    }
}
