using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// Which copy of the management API an endpoint belongs to: route names are unique in an app, so the dashboard's copy
/// (under its own path) names its routes with a suffix, and answers link to routes of the same copy.
/// </summary>
/// <param name="Suffix">Appended to every route name of this copy.</param>
internal sealed record ManagementRoutes(string Suffix)
{
    public const string GetEndpoint = "GetWebhookEndpoint";
    public const string GetMessage = "GetWebhookMessage";

    /// <summary>The copy <c>MapWebhookManagement</c> maps.</summary>
    public static ManagementRoutes Main { get; } = new("");

    public string Name(string route) => route + Suffix;

    /// <summary>The copy that the request's endpoint belongs to.</summary>
    public static ManagementRoutes Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ManagementRoutes>() ?? Main;
}
