using Hookline.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hookline.Dashboard.Links;

/// <summary>
/// <c>POST {management prefix}/dashboard-links</c>: the caller's tenant gets a one-time link to its dashboard;
/// <c>DELETE {management prefix}/dashboard-sessions</c>: it ends every session its links opened.
/// </summary>
internal sealed class DashboardLinksRoute : IWebhookManagementExtension
{
    public void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/dashboard-links", CreateAsync).WithName("CreateWebhookDashboardLink").WithSummary("Get a link to your dashboard")
           .WithDescription(
               "A link that opens your webhook dashboard in a browser, once, for a few minutes (`expiresAt`). Opening it shows a page "
               + "naming your account, whose button starts a session in that browser; with `readOnly` the session can look but not "
               + "change anything or see signing secrets.")
           .Accepts<WebhookDashboardLinkRequest>(isOptional: true, "application/json")
           .ProducesValidationProblem(StatusCodes.Status400BadRequest)
           .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete("/dashboard-sessions", RevokeAsync).WithName("RevokeWebhookDashboardSessions")
           .WithSummary("End your dashboard sessions")
           .WithDescription(
               "Ends every dashboard session your links opened, in every browser, and voids your links not yet opened. Links you "
               + "get afterwards work as usual.");
    }

    private static async Task<Created<WebhookDashboardLink>> CreateAsync(
        HttpContext http, DashboardLinks links, IHostEnvironment environment, ILogger<DashboardLinks> logger)
    {
        var request = await http.Request.ReadWebhookManagementBodyAsync(new WebhookDashboardLinkRequest()).ConfigureAwait(false);
        // The Host header is the caller's to choose: outside Development, a link is absolute only under the configured URL, and
        // otherwise a path from the app's root, which the caller opens on the host it called.
        var baseUrl = links.PublicBaseUrl;
        if (baseUrl is null && environment.IsDevelopment())
        {
            baseUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        }
        else if (baseUrl is null)
        {
            DashboardLog.NoPublicBaseUrl(logger);
            baseUrl = http.Request.PathBase;
        }

        var link = links.Create(http.GetWebhookTenant(), request.ReadOnly ?? false, baseUrl);
        return TypedResults.Created(link.Url, link);
    }

    private static async Task<NoContent> RevokeAsync(HttpContext http, IWebhookDashboardLinks links)
    {
        await links.RevokeAsync(http.GetWebhookTenant(), http.RequestAborted).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
