using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hookline;

/// <summary>
/// Stand-ins for the services a store turns on. <c>AddWebhooks()</c> registers them so a minimal API handler that takes an
/// <see cref="IWebhookPublisher"/> sees a service (not an "implicit body") and fails naming the fix; <c>UseStore</c> removes them.
/// </summary>
internal static class MissingStore
{
    private static readonly Func<IServiceProvider, IWebhookPublisher> s_publisher = _ => throw Error(nameof(IWebhookPublisher));
    private static readonly Func<IServiceProvider, IWebhookEndpointManager> s_endpoints = _ => throw Error(nameof(IWebhookEndpointManager));

    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton(s_publisher);
        services.TryAddSingleton(s_endpoints);
    }

    /// <summary>Removes the stand-ins, and only them: services an app registered itself stay.</summary>
    public static void Remove(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var factory = services[i].IsKeyedService ? null : services[i].ImplementationFactory;
            if (factory is not null && (ReferenceEquals(factory, s_publisher) || ReferenceEquals(factory, s_endpoints)))
            {
                services.RemoveAt(i);
            }
        }
    }

    private static InvalidOperationException Error(string service) => new(
        $"{service} needs a webhook store, and none is added: add one with "
        + "builder.Services.AddWebhooks().UseSqlite(\"Data Source=webhooks.db\") (package Hookline.Sqlite), or UseStore(...).");
}
