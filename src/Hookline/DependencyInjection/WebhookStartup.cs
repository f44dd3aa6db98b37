using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hookline;

/// <summary>
/// Runs as the host starts, before any hosted service: builds the catalog (so an invalid
/// declaration fails the start naming the webhook) and creates or migrates the store's schema.
/// </summary>
internal sealed class WebhookStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<WebhookCatalog>();
        if (services.GetService<SecretProtectingStore>() is { } store)
        {
            await store.Inner.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
