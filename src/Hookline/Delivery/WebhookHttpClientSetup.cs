using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Builds the <see cref="IHttpClientFactory"/> client that delivers webhooks (<see cref="WebhookDeliveryOptions.HttpClientName"/>),
/// whatever order the app registered things in: Hookline's <see cref="SocketsHttpHandler"/> first, then what the app configured
/// under that name, then Hookline's safety last (<see cref="Secure"/>).
/// </summary>
/// <remarks>
/// What applies to every client (<c>ConfigureHttpClientDefaults</c>, <c>ConfigureAll</c>) is left out: it is meant for the
/// app's own services, and webhooks go to its tenants' servers. A resilience handler there would retry attempts outside
/// Hookline's schedule and cut them short with its own timeouts; header propagation or an auth handler would hand the app's
/// headers and tokens to every receiver.
/// </remarks>
internal sealed class WebhookHttpClientSetup(IEnumerable<IConfigureOptions<HttpClientFactoryOptions>> setups)
    : IPostConfigureOptions<HttpClientFactoryOptions>
{
    /// <summary>How long a connection is reused before a new one is opened, so a receiver's DNS change is picked up.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    public void PostConfigure(string? name, HttpClientFactoryOptions options)
    {
        if (name != WebhookDeliveryOptions.HttpClientName)
        {
            return;
        }

        // The handler lives as long as the app: SocketsHttpHandler's pool reuses connections per destination and renews them
        // (PooledConnectionLifetime), which is what rotating handlers would do, without dropping every pool at once.
        var own = new HttpClientFactoryOptions { HandlerLifetime = Timeout.InfiniteTimeSpan };
        foreach (var setup in setups)
        {
            // ConfigureHttpClientDefaults and ConfigureAll register a ConfigureNamedOptions without a name.
            if (setup is IConfigureNamedOptions<HttpClientFactoryOptions> named
                and not ConfigureNamedOptions<HttpClientFactoryOptions> { Name: null })
            {
                named.Configure(name, own);
            }
        }

        options.HandlerLifetime = own.HandlerLifetime;
        options.SuppressHandlerScope = own.SuppressHandlerScope;
        options.ShouldRedactHeaderValue = own.ShouldRedactHeaderValue;
        options.HttpClientActions.Clear();
        foreach (var action in own.HttpClientActions)
        {
            options.HttpClientActions.Add(action);
        }

        options.HttpMessageHandlerBuilderActions.Clear();
        options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = PooledConnectionLifetime,
        });
        foreach (var action in own.HttpMessageHandlerBuilderActions)
        {
            options.HttpMessageHandlerBuilderActions.Add(action);
        }

        options.HttpMessageHandlerBuilderActions.Add(Secure);
    }

    /// <summary>Hookline's safety, applied after the app's configuration of the client.</summary>
    private static void Secure(HttpMessageHandlerBuilder builder)
    {
        if (builder.PrimaryHandler is not SocketsHttpHandler handler)
        {
            throw new InvalidOperationException(
                $"The HttpClient '{WebhookDeliveryOptions.HttpClientName}' that delivers webhooks has a primary handler of type "
                + $"{builder.PrimaryHandler?.GetType().FullName ?? "null"}; Hookline needs a SocketsHttpHandler, on which it checks "
                + "every connection against the destination policy. Configure the one Hookline gives the client instead of replacing "
                + "it: services.AddHttpClient(WebhookDeliveryOptions.HttpClientName).UseSocketsHttpHandler((handler, _) => "
                + "handler.Proxy = ...), or return a SocketsHttpHandler from ConfigurePrimaryHttpMessageHandler.");
        }

        if (handler.ConnectCallback is not null)
        {
            throw new InvalidOperationException(
                $"The HttpClient '{WebhookDeliveryOptions.HttpClientName}' that delivers webhooks has a ConnectCallback set on its "
                + "SocketsHttpHandler; Hookline sets its own there, which checks every connection against the destination policy, and "
                + "will not replace yours silently. Remove it; to send through an egress proxy, set the handler's Proxy instead.");
        }

        var policy = builder.Services.GetService<DestinationPolicy>() ?? throw new InvalidOperationException(
            $"The HttpClient '{WebhookDeliveryOptions.HttpClientName}' delivers webhooks and needs a webhook store: add one with "
            + "builder.Services.AddWebhooks().UseSqlite(\"Data Source=webhooks.db\") (package Hookline.Sqlite), or UseStore(...).");

        // A 3xx is the receiver's answer, not a place to go; cookies and credentials are the app's, not its tenants'.
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.Credentials = null;
        // The traceparent header is the attempt's own (see WebhookSender), not an HttpClient activity's.
        handler.ActivityHeadersPropagator = null;
        if (handler.PooledConnectionLifetime == Timeout.InfiniteTimeSpan)
        {
            handler.PooledConnectionLifetime = PooledConnectionLifetime;
        }

        // Only a proxy set on the handler is used: the environment's (HTTP_PROXY) is not chosen for webhooks by default.
        ProxyRoutes? proxies = null;
        if (handler.UseProxy && handler.Proxy is { } proxy)
        {
            proxies = new ProxyRoutes(proxy);
        }
        else
        {
            handler.UseProxy = false;
        }

        handler.ConnectCallback = GuardedConnector.Create(policy, proxies);
        builder.AdditionalHandlers.Add(new DestinationCheckHandler(policy, proxies));
    }
}
