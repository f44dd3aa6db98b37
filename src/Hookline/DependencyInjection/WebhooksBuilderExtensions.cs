using Hookline;
using Hookline.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
    /// <remarks>
    /// The store is registered under each of its roles (<see cref="IWebhookEndpointStore"/>,
    /// <see cref="IWebhookMessageAppender"/>, <see cref="IWebhookDeliveryQueue"/>, <see cref="IWebhookLogReader"/>,
    /// <see cref="IWebhookFeedReader"/>, <see cref="IWebhookDashboardStateStore"/>), one instance behind all six;
    /// <see cref="IWebhookStore"/> itself is not a service. A store that learns of messages appended by other instances wakes
    /// this one's dispatcher (and reads of polling endpoints' feeds waiting for messages) through <see cref="IWebhookDispatchWaker"/>.
    /// </remarks>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="store">Creates the store, once.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseStore(this IWebhooksBuilder builder, Func<IServiceProvider, IWebhookStore> store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        var services = builder.Services;
        services.AddDataProtection();
        services.TryAddSingleton<EndpointSecretProtector>();
        services.Replace(ServiceDescriptor.Singleton(
            sp => new SecretProtectingStore(store(sp), sp.GetRequiredService<EndpointSecretProtector>())));

        // One store instance under each role; the endpoint role, which hands secrets out in the clear, through SecretProtectingStore.
        services.TryAddSingleton<IWebhookEndpointStore>(sp => sp.GetRequiredService<SecretProtectingStore>());
        services.TryAddSingleton<IWebhookDeliveryQueue>(sp => sp.GetRequiredService<SecretProtectingStore>().Inner);
        services.TryAddSingleton<IWebhookMessageAppender>(sp => sp.GetRequiredService<SecretProtectingStore>().Inner);
        services.TryAddSingleton<IWebhookLogReader>(sp => sp.GetRequiredService<SecretProtectingStore>().Inner);
        services.TryAddSingleton<IWebhookFeedReader>(sp => sp.GetRequiredService<SecretProtectingStore>().Inner);
        services.TryAddSingleton<IWebhookDashboardStateStore>(sp => sp.GetRequiredService<SecretProtectingStore>().Inner);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DispatchSignal>();
        services.TryAddSingleton<IWebhookDispatchWaker>(sp => sp.GetRequiredService<DispatchSignal>());
        services.TryAddSingleton(sp => new DestinationPolicy(
            sp.GetRequiredService<IOptions<WebhookOptions>>(),
            sp.GetService<IHostEnvironment>(),
            sp.GetService<ILogger<DestinationPolicy>>()));
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<BacklogSampler>();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<WebhookPublisher>();
        services.TryAddSingleton<WebhookEventTypes>();
        services.TryAddSingleton<Hookline.Management.CostlyCallLimiter>();
        services.TryAddSingleton<Hookline.Management.FeedWaits>();
        services.TryAddSingleton<Hookline.Management.WebhookTenantService>();
        services.TryAddSingleton<WebhookEndpointManager>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookRetention>());
        return builder;
    }
}
