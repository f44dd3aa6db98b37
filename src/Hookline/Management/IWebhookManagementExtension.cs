using Microsoft.AspNetCore.Routing;

namespace Hookline.Management;

/// <summary>
/// Routes another Hookline package adds to the management API (the dashboard's <c>dashboard-links</c>): mapped into its group
/// by <c>MapWebhookManagement</c>, so they share its tenant, its conventions (authorization) and its OpenAPI tag.
/// </summary>
internal interface IWebhookManagementExtension
{
    void Map(IEndpointRouteBuilder api);
}
