using Hookline.Dashboard;
using Hookline.Dashboard.Assets;
using Hookline.Dashboard.Links;
using Hookline.Dashboard.Sessions;
using Hookline.Management;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the webhook dashboard's services.</summary>
public static class WebhookDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the webhook dashboard (map it with <c>app.MapWebhookDashboard("/webhooks/dashboard")</c>) and the one-time links
    /// that open it: <see cref="IWebhookDashboardLinks"/>, and <c>POST dashboard-links</c> and <c>DELETE dashboard-sessions</c>
    /// in the management API. Links and sessions are protected with Data Protection (with several instances, share its key
    /// ring); used links and revocations are kept in the webhook store, which the instances share. Safe to call more than once.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets <see cref="WebhookDashboardOptions"/>; they can also be bound from configuration.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddWebhookDashboard(
        this IServiceCollection services, Action<WebhookDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptionsWithValidateOnStart<WebhookDashboardOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<WebhookDashboardOptions>, WebhookDashboardOptionsValidator>());
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DashboardPath>();
        services.TryAddSingleton<DashboardLinks>();
        services.TryAddSingleton<IWebhookDashboardLinks>(sp => sp.GetRequiredService<DashboardLinks>());
        services.TryAddSingleton<DashboardRevocations>();
        services.TryAddSingleton<DashboardSessions>();
        services.TryAddSingleton<DashboardTenantNames>();
        services.TryAddSingleton<DashboardAssets>();
        services.TryAddSingleton<DashboardSecurity>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookManagementExtension, DashboardLinksRoute>());
        return services;
    }
}
