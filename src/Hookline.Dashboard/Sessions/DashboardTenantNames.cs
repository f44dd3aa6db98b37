using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Sessions;

/// <summary>
/// A tenant's name for people: the app's (<see cref="WebhookDashboardOptions.TenantDisplayName"/>), else the tenant itself.
/// </summary>
internal sealed class DashboardTenantNames(IOptions<WebhookDashboardOptions> options)
{
    public async ValueTask<string> NameAsync(HttpContext http, string tenant) =>
        options.Value.TenantDisplayName is { } name && await name(http, tenant).ConfigureAwait(false) is { } named
            && !string.IsNullOrWhiteSpace(named)
            ? named.Trim()
            : tenant;
}
