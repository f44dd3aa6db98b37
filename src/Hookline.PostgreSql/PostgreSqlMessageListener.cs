using Hookline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hookline.PostgreSql;

/// <summary>
/// Keeps one connection that <c>LISTEN</c>s on the store's channel, which every append notifies at commit (on any
/// instance, and for publishes in the app's own transaction), and wakes this instance's dispatcher on each
/// notification: an idle instance picks a publish up at once rather than at its next poll. When the connection
/// drops it reconnects with backoff; while it is down the dispatcher still polls, so nothing is lost, only later.
/// </summary>
internal sealed partial class PostgreSqlMessageListener(
    Func<NpgsqlDataSource> dataSource,
    string schema,
    IWebhookDispatchWaker waker,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<PostgreSqlMessageListener> logger) : BackgroundService
{
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly string _channel = PostgreSqlWebhookStore.ChannelName(schema);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Delivery.Enabled)
        {
            return; // Nothing here to wake.
        }

        var delay = FirstRetryDelay;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var listened = false;
                try
                {
                    var connection = await dataSource().OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                    await using (connection.ConfigureAwait(false))
                    {
                        connection.Notification += (_, _) => waker.Wake();
                        var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection);
                        await using (listen.ConfigureAwait(false))
                        {
                            await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                        }

                        listened = true;
                        delay = FirstRetryDelay;
                        Log.Listening(logger, _channel);
                        // Messages appended while no connection listened (at start, or since a drop) sent notifications nobody got.
                        waker.Wake();
                        while (true)
                        {
                            await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    if (listened)
                    {
                        Log.ConnectionLost(logger, e, _channel, delay);
                    }
                    else
                    {
                        Log.ConnectFailed(logger, e, _channel, delay);
                    }
                }

                // Never a tight loop, even when a connection listens and drops at once (a pooler, a server restarting).
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Debug, "Listening for new webhook messages on the PostgreSQL channel {Channel}.")]
        public static partial void Listening(ILogger logger, string channel);

        [LoggerMessage(
            3002,
            LogLevel.Warning,
            "Lost the connection listening on the PostgreSQL channel {Channel}; reconnecting in {Delay}. "
            + "Until then, other instances' publishes are delivered at the next poll.")]
        public static partial void ConnectionLost(ILogger logger, Exception exception, string channel, TimeSpan delay);

        [LoggerMessage(
            3003,
            LogLevel.Warning,
            "Could not listen on the PostgreSQL channel {Channel}; trying again in {Delay}. "
            + "Until then, other instances' publishes are delivered at the next poll.")]
        public static partial void ConnectFailed(ILogger logger, Exception exception, string channel, TimeSpan delay);
    }
}
