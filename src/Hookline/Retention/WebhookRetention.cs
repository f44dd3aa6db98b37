using Hookline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Deletes messages older than <see cref="WebhookOptions.Retention"/>, with their deliveries and attempts: at start, then hourly.
/// </summary>
internal sealed class WebhookRetention(
    IWebhookDeliveryQueue queue, TimeProvider time, IOptions<WebhookOptions> options, ILogger<WebhookRetention> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await PurgeAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(s_interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PurgeAsync(CancellationToken stoppingToken)
    {
        var before = time.GetUtcNow() - options.Value.Retention;
        try
        {
            if (await queue.PurgeAsync(before, stoppingToken).ConfigureAwait(false) is > 0 and var count)
            {
                logger.Purged(count, before);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.PurgeFailed(e, s_interval);
        }
    }
}
