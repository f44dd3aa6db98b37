using Hookline;
using Hookline.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs a store into Hookline; store packages (such as <c>UseSqlite</c>) call this.</summary>
public static class WebhooksBuilderExtensions
{
    /// <summary>
    /// Makes <paramref name="store"/> the webhook store (replacing any other) and turns on what needs
    /// one: <see cref="IWebhookPublisher"/>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="store">Creates the store, once.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseStore(this IWebhooksBuilder builder, Func<IServiceProvider, IWebhookStore> store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IWebhookPublisher, WebhookPublisher>();
        return builder;
    }
}
