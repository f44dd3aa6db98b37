using Hookline;

/// <summary>The local receiver the README's walkthrough runs (samples/receiver), from appsettings.Development.json.</summary>
/// <param name="Url">Where it listens.</param>
/// <param name="Secret">The <c>whsec_</c> secret it verifies with: a demo value, for development only.</param>
public sealed record DemoReceiver(string Url, string Secret);

/// <summary>
/// In Development, registers the demo receiver as an endpoint for every webhook, once. (Until the
/// management API lets the API's users register their own URLs.)
/// </summary>
internal sealed class DemoReceiverRegistration(IConfiguration configuration, IWebhookEndpointManager endpoints, ILogger<DemoReceiverRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetSection("DemoReceiver").Get<DemoReceiver>() is not { } demo)
        {
            return;
        }

        var existing = await endpoints.ListAsync(cancellationToken: cancellationToken);
        if (existing.FirstOrDefault(e => e.Url == new Uri(demo.Url).AbsoluteUri) is { } registered)
        {
            logger.LogInformation("Webhooks go to the demo receiver at {Url} (endpoint {EndpointId}).", registered.Url, registered.Id);
            return;
        }

        var endpoint = await endpoints.CreateAsync(new() { Url = demo.Url, Description = "The README's demo receiver" }, secret: demo.Secret, cancellationToken: cancellationToken);
        logger.LogInformation("Registered the demo receiver at {Url} as endpoint {EndpointId}.", endpoint.Url, endpoint.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
