using Hookline.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hookline.Dashboard.Links;

/// <summary><c>POST {management prefix}/dashboard-links</c>: the caller's tenant gets a one-time link to its dashboard.</summary>
internal sealed class DashboardLinksRoute : IWebhookManagementExtension
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/dashboard-links", CreateAsync).WithName("CreateWebhookDashboardLink").WithSummary("Get a link to your dashboard")
           .WithDescription(
               "A link that opens your webhook dashboard in a browser, once, for a few minutes (`expiresAt`). Opening it starts a "
               + "session in that browser; with `readOnly` the session can look but not change anything.")
           .Accepts<WebhookDashboardLinkRequest>(isOptional: true, "application/json")
           .ProducesValidationProblem(StatusCodes.Status400BadRequest)
           .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<Created<WebhookDashboardLink>> CreateAsync(HttpContext http, IWebhookDashboardLinks links)
    {
        var request = await ManagementRequest.ReadAsync(http.Request, new WebhookDashboardLinkRequest()).ConfigureAwait(false);
        var link = await links.CreateAsync(ManagementRequest.Tenant(http), request.ReadOnly ?? false, http.RequestAborted)
            .ConfigureAwait(false);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{link.Url}";
        return TypedResults.Created(url, link with { Url = url });
    }
}
