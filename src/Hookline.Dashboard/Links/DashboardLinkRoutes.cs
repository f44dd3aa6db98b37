using Hookline.Dashboard.Assets;
using Hookline.Dashboard.Pages;
using Hookline.Dashboard.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hookline.Dashboard.Links;

/// <summary>
/// Where a link opens, in steps that a link scanner (mail and chat services fetch every URL, some run its script) never
/// completes: <c>GET links</c> is a page whose script posts the token from the fragment to <c>POST links</c>, which answers a
/// page naming the tenant; only its button (<c>POST links</c> with <c>open</c>) uses the link and starts the session. Those
/// posts must come from the app's own origin, and a session of another tenant is replaced only when the button says so.
/// </summary>
internal static class DashboardLinkRoutes
{
    public static void Map(IEndpointRouteBuilder dashboard, string root)
    {
        var services = dashboard.ServiceProvider;
        var assets = services.GetRequiredService<DashboardAssets>();
        var security = services.GetRequiredService<DashboardSecurity>();
        var sessions = services.GetRequiredService<DashboardSessions>();
        var logger = services.GetRequiredService<ILogger<DashboardLinks>>();
        var names = services.GetRequiredService<DashboardTenantNames>();

        dashboard.MapGet("/links", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return DashboardPages.Landing(assets, http.Request.PathBase + root);
        }).ExcludeFromDescription();

        dashboard.MapPost("/links", async (HttpContext http, DashboardLinks links) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            var home = http.Request.PathBase + root;
            if (security.ForeignSource(http.Request) is { } source)
            {
                DashboardLog.LinkCrossSite(logger, source);
                return DashboardPages.CrossSite(assets, home);
            }

            var (token, open) = await ReadFormAsync(http.Request).ConfigureAwait(false);
            var (outcome, link) = await links.ReadAsync(token, http.RequestAborted).ConfigureAwait(false);
            if (outcome != DashboardLinkOutcome.Opened)
            {
                return DashboardPages.Refused(outcome, assets, home);
            }

            var current = await sessions.FindAsync(http).ConfigureAwait(false);
            var other = current is not null && current.Tenant != link!.Tenant ? current.Tenant : null;
            if (open.Length == 0 || (other is not null && open != "switch"))
            {
                var tenant = await names.NameAsync(http, link!.Tenant).ConfigureAwait(false);
                var otherName = other is null ? null : await names.NameAsync(http, other).ConfigureAwait(false);
                return DashboardPages.Confirm(assets, home, token, link, tenant, otherName, refusedSwitch: open.Length > 0);
            }

            (outcome, link) = await links.OpenAsync(token, http.RequestAborted).ConfigureAwait(false);
            if (link is null)
            {
                return DashboardPages.Refused(outcome, assets, home);
            }

            sessions.Start(http, link);
            // 303: the browser follows with a GET, so reloading the dashboard never posts the form again.
            http.Response.Headers.Location = home + "/";
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }).ExcludeFromDescription();
    }

    /// <summary>The form's token and button; an unreadable form has neither (and is an invalid link).</summary>
    private static async Task<(string Token, string Open)> ReadFormAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return ("", "");
        }

        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return (form["token"].ToString(), form["open"].ToString());
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return ("", "");
        }
    }
}
