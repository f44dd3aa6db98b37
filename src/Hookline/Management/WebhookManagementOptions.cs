using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// How the management API (<c>MapWebhookManagement</c>) finds each caller's tenant, reads requests and limits each tenant's costly calls.
/// </summary>
public sealed class WebhookManagementOptions
{
    /// <summary>The claim of the authenticated user whose value is their tenant.</summary>
    /// <value><see cref="ClaimTypes.NameIdentifier"/>: each user is a tenant.</value>
    public string TenantClaim { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// Finds the tenant of a request instead of <see cref="TenantClaim"/> (an organization from a
    /// header checked against the user's memberships in a database, say), asynchronously; it runs once per call, and
    /// can take services from <see cref="HttpContext.RequestServices"/> and stop at <see cref="HttpContext.RequestAborted"/>.
    /// <see langword="null"/> or empty: no tenant, refused. A resolver that needs no I/O answers with
    /// <c>ValueTask.FromResult</c>: <c>o.TenantResolver = http => ValueTask.FromResult(http.User.FindFirst("org")?.Value)</c>.
    /// </summary>
    /// <value>None: the tenant is the value of <see cref="TenantClaim"/>.</value>
    public Func<HttpContext, ValueTask<string?>>? TenantResolver { get; set; }

    /// <summary>The OpenAPI document (from <c>AddOpenApi</c>) whose schemas the event types list serves.</summary>
    /// <value><c>v1</c>.</value>
    public string DocumentName { get; set; } = "v1";

    /// <summary>The largest request body the management API reads; a larger one is answered 413.</summary>
    /// <value>64 KiB.</value>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How often each tenant may send test events, resend messages and recover endpoints (together), in this app instance; past it, a
    /// 429 with <c>Retry-After</c>.
    /// </summary>
    /// <value>20 at once, then 60 a minute.</value>
    [ValidateObjectMembers]
    public WebhookCostlyCallOptions CostlyCalls { get; } = new();

    /// <summary>How polling endpoints' feeds may be read: the longest wait, and how many reads may wait at once.</summary>
    /// <value>Waits of up to 30 seconds; 10 waiting reads per tenant, 1,000 in all, in this app instance.</value>
    [ValidateObjectMembers]
    public WebhookFeedOptions Feed { get; } = new();
}
