using Hookline.Dashboard;
using Hookline.Dashboard.Assets;
using Hookline.Dashboard.Links;
using Hookline.Dashboard.Sessions;
using Hookline.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the webhook dashboard: the web page where the API's users manage their own webhooks.</summary>
public static class WebhookDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves, under <paramref name="path"/>, the dashboard's page and files, the one-time links' pages (<c>links</c>),
    /// <c>sign-out</c>, and at <c>api/</c> the management API again (the same handlers and tenant rules as
    /// <c>MapWebhookManagement</c>) for the page to call. A caller is the tenant of its session if a link opened one, else of
    /// the app's signed-in user (the app's default authentication, the management options' tenant claim or resolver); without
    /// either, the API answers 401 and the page says how to get in. Every change sent with a cookie must carry
    /// <c>X-Hookline-Csrf: 1</c>, as the page does, and none may come from another site.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="path">Where the dashboard is served, such as <c>/webhooks/dashboard</c>.</param>
    /// <returns>
    /// A builder for all of the dashboard's routes. Do not require authorization on it if your users open it with links:
    /// a link's session is not a sign-in to the app, and the API refuses callers without a tenant anyway.
    /// </returns>
    /// <exception cref="InvalidOperationException"><c>AddWebhookDashboard</c>, a store or OpenAPI is missing.</exception>
    public static IEndpointConventionBuilder MapWebhookDashboard(this IEndpointRouteBuilder endpoints, string path)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = "/" + path.Trim('/');
        if (root.Length == 1 || root.Contains('{', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{path}' is not a usable path for the dashboard; use a literal path such as \"/webhooks/dashboard\".", nameof(path));
        }

        var services = endpoints.ServiceProvider;
        var dashboardPath = services.GetService<DashboardPath>()
            ?? throw new InvalidOperationException(
                "MapWebhookDashboard needs the dashboard's services: add builder.Services.AddWebhookDashboard().");
        dashboardPath.Set(root);
        var security = services.GetRequiredService<DashboardSecurity>();
        var assets = services.GetRequiredService<DashboardAssets>();
        var sessions = services.GetRequiredService<DashboardSessions>();

        var dashboard = endpoints.MapGroup(root);
        dashboard.AddEndpointFilter(async (context, next) =>
        {
            security.Apply(context.HttpContext.Response);
            return await next(context).ConfigureAwait(false);
        });
        dashboard.MapGet("/", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Content(assets.Index(http.Request.PathBase + root), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        dashboard.MapGet("/assets/{version}/{**file}", (HttpContext http, string version, string file) =>
        {
            if (version != assets.Version || !assets.TryGet(file, out var bytes, out var type))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(bytes, type);
        }).ExcludeFromDescription();
        DashboardLinkRoutes.Map(dashboard, root);
        // Ends a link's session in this browser: a change like the API's, with its CSRF rule.
        dashboard.MapPost("/sign-out", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            if (WebhookManagementCsrf.Refuse(http.Request) is { } forgery)
            {
                return forgery;
            }

            sessions.End(http);
            return Results.NoContent();
        }).ExcludeFromDescription();

        var api = dashboard.MapGroup("/api").ExcludeFromDescription();
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            http.Response.Headers.CacheControl = "no-store";
            if (await sessions.ResumeAsync(http).ConfigureAwait(false) is { } session)
            {
                http.Features.Set(new WebhookManagementCaller(session.Tenant, session.ReadOnly));
            }

            return await next(context).ConfigureAwait(false);
        });
        var management = api.MapWebhookManagementRoutes("/", ".Dashboard");
        var names = services.GetRequiredService<DashboardTenantNames>();
        management.MapGet("/session", async (HttpContext http) =>
        {
            var (tenant, readOnly, link) = http.Features.Get<WebhookManagementCaller>() is { } session
                ? (session.Tenant, session.ReadOnly, true)
                : (http.GetWebhookTenant(), false, false);
            var name = await names.NameAsync(http, tenant).ConfigureAwait(false);
            return TypedResults.Ok(new DashboardCaller(tenant, name, readOnly, link));
        });
        return dashboard;
    }
}
