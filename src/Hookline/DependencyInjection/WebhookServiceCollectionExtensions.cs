using Hookline;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Hookline's services.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds webhooks: the catalog of declared webhooks and their OpenAPI description in every
    /// document added with <c>AddOpenApi()</c>. Safe to call more than once.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets <see cref="WebhookOptions"/>; they can also be bound from configuration.</param>
    /// <returns>A builder to declare webhooks at registration time and to plug in a store.</returns>
    public static IWebhooksBuilder AddWebhooks(this IServiceCollection services, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(WebhookRegistry)))
        {
            services.AddOptionsWithValidateOnStart<WebhookOptions>();
            // An instance, not a factory: declarations made at registration time land in it before the container exists.
            services.AddSingleton(new WebhookRegistry());
            services.ConfigureAll<OpenApiOptions>(options =>
            {
                options.AddDocumentTransformer<WebhookDocumentTransformer>();
                options.AddSchemaTransformer<OutboundNumberSchemaTransformer>();
                options.AddSchemaTransformer<AnyJsonSchemaTransformer>();
            });
            services.AddWebhookHttpClient();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<WebhookCatalog>();
        // Registered even without a store, so a minimal API handler taking one sees a service (not an implicit body)
        // and its first request fails naming the fix. UseStore registers what they resolve to.
        services.TryAddSingleton<IWebhookPublisher>(sp => sp.GetService<WebhookPublisher>() ?? throw MissingStore<IWebhookPublisher>());
        services.TryAddSingleton<IWebhookEndpointManager>(
            sp => sp.GetService<WebhookEndpointManager>() ?? throw MissingStore<IWebhookEndpointManager>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookStartup>());
        return new WebhooksBuilder(services);
    }

    private static InvalidOperationException MissingStore<TService>() => new(
        $"{typeof(TService).Name} needs a webhook store, and none is added: add one with "
        + "builder.Services.AddWebhooks().UseSqlite(\"Data Source=webhooks.db\") (package Hookline.Sqlite), or UseStore(...).");

    /// <summary>The client that delivers webhooks; the app configures it under the same name, Hookline secures it last.</summary>
    internal static void AddWebhookHttpClient(this IServiceCollection services)
    {
        // The factory's own request logs name each receiver's URL; Hookline logs attempts by endpoint id instead.
        services.AddHttpClient(WebhookDeliveryOptions.HttpClientName).RemoveAllLoggers();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HttpClientFactoryOptions>, WebhookHttpClientSetup>());
    }

    internal static WebhookRegistry GetWebhookRegistry(this IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(WebhookRegistry))?.ImplementationInstance as WebhookRegistry
        ?? throw new InvalidOperationException("Call services.AddWebhooks() before declaring webhooks.");
}
