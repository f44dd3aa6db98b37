using Microsoft.AspNetCore.Routing;

namespace Hookline.Management;

/// <summary>
/// Routes a package adds to the management API, such as the dashboard's <c>dashboard-links</c>. Register one as a singleton
/// service: <c>MapWebhookManagement</c> maps it into its group, so its routes share the API's tenant (read it with
/// <see cref="WebhookManagementHttpExtensions.GetWebhookTenant"/>), its conventions (authorization) and its OpenAPI tag.
/// </summary>
public interface IWebhookManagementExtension
{
    /// <summary>Maps the routes into the management API's group.</summary>
    /// <param name="api">The group <c>MapWebhookManagement</c> maps.</param>
    void Map(IEndpointRouteBuilder api);
}
