using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Runs as the host starts, before any hosted service: builds the catalog (so an invalid
/// declaration fails the start naming the webhook), builds the delivery client's handler (so one that cannot be secured
/// fails the start) and creates or migrates the store's schema.
/// </summary>
internal sealed class WebhookStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<WebhookCatalog>();
        if (services.GetService<SecretProtectingStore>() is { } store)
        {
            if (services.GetRequiredService<IOptions<WebhookOptions>>().Value.Delivery.Enabled)
            {
                // Builds the delivery client's handler now, so one Hookline cannot secure fails the start naming the fix.
                services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(WebhookDeliveryOptions.HttpClientName);
            }

            await store.Inner.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
