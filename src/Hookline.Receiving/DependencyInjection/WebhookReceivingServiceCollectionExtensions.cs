using Hookline.Receiving;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what receiving verified webhooks needs.</summary>
public static class WebhookReceivingServiceCollectionExtensions
{
    /// <summary>
    /// Adds webhook verification with the default sender's options, bound from the <c>WebhookReceiving</c> configuration section;
    /// validated when the app starts. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWebhookReceiving(this IServiceCollection services) =>
        services.AddWebhookReceiving(Options.Options.DefaultName, null);

    /// <summary>
    /// Adds webhook verification with the default sender's options, bound from the <c>WebhookReceiving</c> configuration section
    /// and then <paramref name="configure"/>; validated when the app starts. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWebhookReceiving(this IServiceCollection services, Action<WebhookReceivingOptions> configure) =>
        services.AddWebhookReceiving(Options.Options.DefaultName, configure);

    /// <summary>
    /// Adds webhook verification for a named sender, bound from <c>WebhookReceiving:Senders:&lt;sender&gt;</c>. Endpoints pick it
    /// with <c>VerifyWebhookSignature(sender)</c>.
    /// </summary>
    public static IServiceCollection AddWebhookReceiving(this IServiceCollection services, string sender) =>
        services.AddWebhookReceiving(sender, null);

    /// <summary>
    /// Adds webhook verification for a named sender, for endpoints that receive from several senders with different secrets:
    /// bound from <c>WebhookReceiving:Senders:&lt;sender&gt;</c> and then <paramref name="configure"/>. Endpoints pick it with
    /// <c>VerifyWebhookSignature(sender)</c>.
    /// </summary>
    public static IServiceCollection AddWebhookReceiving(
        this IServiceCollection services, string sender, Action<WebhookReceivingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(sender);
        var section = sender.Length == 0 ? WebhookReceivingOptions.SectionName : $"{WebhookReceivingOptions.SectionName}:Senders:{sender}";
        var options = services.AddOptionsWithValidateOnStart<WebhookReceivingOptions>(sender).BindConfiguration(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHybridCache();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookReplayGuard>();
        services.TryAddSingleton<WebhookPublicKeySets>();
        // Fetches PublicKeysUrl; AddHttpClient(WebhookReceivingOptions.PublicKeysHttpClientName) adds a proxy or a handler.
        services.AddHttpClient(WebhookReceivingOptions.PublicKeysHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<WebhookRequestVerifier>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<WebhookReceivingOptions>, WebhookReceivingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, WebhookHeadersApiDescriptionProvider>());
        return services;
    }
}
