using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// What a route inside the management API (an <see cref="IWebhookManagementExtension"/>'s, or one a package adds to
/// <c>MapWebhookManagementRoutes</c>' group) reads of its request, as the API's own routes read it.
/// </summary>
public static class WebhookManagementHttpExtensions
{
    /// <summary>The caller's tenant, which the management API found before the route ran.</summary>
    /// <param name="http">A request to a route inside the management API's group.</param>
    /// <returns>The tenant.</returns>
    /// <exception cref="InvalidOperationException">The route is outside the management API's group.</exception>
    public static string GetWebhookTenant(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return ManagementRequest.Tenant(http);
    }

    /// <summary>
    /// Reads the JSON body as strictly as the management API reads its own: declared as JSON, within
    /// <c>Webhooks:Management:MaxRequestBytes</c>, with no unknown or repeated properties; a body that is not answers 400, 413
    /// or 415 with a problem, as the API does.
    /// </summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="request">A request to a route inside the management API's group.</param>
    /// <param name="empty">What an empty body means, or <see langword="null"/> to refuse one.</param>
    /// <returns>The body.</returns>
    public static Task<T> ReadWebhookManagementBodyAsync<T>(this HttpRequest request, T? empty = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return ManagementRequest.ReadAsync(request, empty);
    }
}
