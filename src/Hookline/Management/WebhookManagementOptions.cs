using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Hookline;

/// <summary>How the management API (<c>MapWebhookManagement</c>) finds each caller's tenant and reads requests.</summary>
public sealed class WebhookManagementOptions
{
    /// <summary>The claim of the authenticated user whose value is their tenant.</summary>
    /// <value><see cref="ClaimTypes.NameIdentifier"/>: each user is a tenant.</value>
    public string TenantClaim { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// Finds the tenant of a request instead of <see cref="TenantClaim"/> (an organization from a
    /// header checked against the user's memberships, say). <see langword="null"/> or empty: no tenant, refused.
    /// </summary>
    public Func<HttpContext, string?>? TenantResolver { get; set; }

    /// <summary>The OpenAPI document (from <c>AddOpenApi</c>) whose schemas the event types list serves.</summary>
    /// <value><c>v1</c>.</value>
    public string DocumentName { get; set; } = "v1";

    /// <summary>The largest request body the management API reads; a larger one is answered 413.</summary>
    /// <value>64 KiB.</value>
    public int MaxRequestBytes { get; set; } = 64 * 1024;
}
