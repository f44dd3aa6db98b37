using Hookline;
using Hookline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a store into Hookline; store packages (such as <c>UseSqlite</c>) call this.</summary>
public static class WebhooksBuilderExtensions
{
    /// <summary>
    /// Makes <paramref name="store"/> the webhook store (replacing any other) and turns on what needs
    /// one: <see cref="IWebhookPublisher"/>, <see cref="IWebhookEndpointManager"/>, the dispatcher that
    /// delivers, and the retention of old messages. Endpoint secrets reach the store encrypted with
    /// ASP.NET Core Data Protection (added here); instances that share a store must share its key ring.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="store">Creates the store, once.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseStore(this IWebhooksBuilder builder, Func<IServiceProvider, IWebhookStore> store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        var services = builder.Services;
        services.AddDataProtection();
        services.Replace(ServiceDescriptor.Singleton<IWebhookStore>(sp => new SecretProtectingStore(store(sp), sp.GetRequiredService<IDataProtectionProvider>())));
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DispatchSignal>();
        services.TryAddSingleton(sp => new DestinationPolicy(sp.GetRequiredService<IOptions<WebhookOptions>>(), sp.GetService<IHostEnvironment>()));
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<BacklogSampler>();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<WebhookPublisher>();
        services.TryAddSingleton<Hookline.Management.WebhookEventTypes>();
        services.TryAddSingleton<WebhookEndpointManager>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookRetention>());
        return builder;
    }
}
