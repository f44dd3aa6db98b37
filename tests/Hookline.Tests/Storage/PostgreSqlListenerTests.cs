using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>
/// Instances wake on each other's publishes through LISTEN/NOTIFY: every app here polls once a minute, so a delivery
/// within seconds is the notification's doing. Each instance has a data source (a connection pool) of its own, as
/// processes have, on one schema.
/// </summary>
public sealed class PostgreSqlListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan s_longPoll = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_atOnce = TimeSpan.FromSeconds(5);
    private readonly PostgresInstances _instances = new();

    private string ListenQuery => $"LISTEN \"{_instances.Schema}_messages\"";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _instances.DisposeAsync().AsTask();

    [SkippableFact]
    public async Task Publish_OnInstanceThatDoesNotDeliver_IsDeliveredByAnIdleInstanceAtOnce()
    {
        TestPostgres.SkipUnlessAvailable();
        await using var receiver = await TestReceiver.StartAsync();
        await StartInstanceAsync(deliver: true);
        var publishing = await StartInstanceAsync(deliver: false);
        await publishing.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });
        await WaitForListenersAsync(1);

        var published = await publishing.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1));

        var requests = await Eventually.ReadsAsync(() => Task.FromResult(receiver.Requests), r => r.Count > 0, "the idle instance delivers", s_atOnce);
        Assert.Equal(published.MessageId, Assert.Single(requests).Headers["webhook-id"]);
        Assert.Equal(1, await CountListenersAsync()); // The instance that does not deliver does not listen either.
    }

    [SkippableFact]
    public async Task Publish_InAppTransaction_IsDeliveredAtOnceAfterTheCommit()
    {
        TestPostgres.SkipUnlessAvailable();
        await using var receiver = await TestReceiver.StartAsync();
        var app = await StartInstanceAsync(deliver: true);
        await app.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });
        await WaitForListenersAsync(1);

        string messageId;
        await using (var connection = await _instances.DataSources[0].OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            messageId = (await app.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1), transaction: transaction)).MessageId;
            // Long enough for the dispatcher to act on the publisher's own wake-up, which finds nothing yet.
            await Task.Delay(300);
            Assert.Empty(receiver.Requests);
            await transaction.CommitAsync();
        }

        var requests = await Eventually.ReadsAsync(() => Task.FromResult(receiver.Requests), r => r.Count > 0, "the committed webhook arrives", s_atOnce);
        Assert.Equal(messageId, Assert.Single(requests).Headers["webhook-id"]);
    }

    [SkippableFact]
    public async Task Listener_ConnectionKilled_ReconnectsOnTheSameDataSourceAndStillWakes()
    {
        TestPostgres.SkipUnlessAvailable();
        await using var receiver = await TestReceiver.StartAsync();
        await StartInstanceAsync(deliver: true);
        var publishing = await StartInstanceAsync(deliver: false);
        await publishing.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });
        var killed = await WaitForListenersAsync(1);

        await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1);", connection);
            terminate.Parameters.Add(new() { Value = killed.Single() });
            Assert.Equal(true, await terminate.ExecuteScalarAsync());
        }

        var again = await WaitForListenersAsync(1, exceptPid: killed.Single());
        Assert.DoesNotContain(killed.Single(), again);
        var published = await publishing.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1));

        var requests = await Eventually.ReadsAsync(() => Task.FromResult(receiver.Requests), r => r.Count > 0, "the reconnected instance delivers", s_atOnce);
        Assert.Equal(published.MessageId, Assert.Single(requests).Headers["webhook-id"]);
        Assert.Equal(2, _instances.DataSourceCalls); // Once an instance: for the store, the key ring and both listens.
    }

    private Task<WebApplication> StartInstanceAsync(bool deliver) =>
        _instances.StartAsync(o =>
        {
            o.Delivery.Enabled = deliver;
            o.Delivery.PollInterval = s_longPoll;
        });

    /// <summary>
    /// Waits until <paramref name="count"/> connections listen on the channel (other than <paramref name="exceptPid"/>), then a little
    /// longer, so that the wake-up each listener gives when it starts listening is spent before the test publishes.
    /// </summary>
    private async Task<List<int>> WaitForListenersAsync(int count, int? exceptPid = null)
    {
        var pids = await Eventually.ReadsAsync(
            ListenerPidsAsync, p => p.Count(pid => pid != exceptPid) == count, $"{count} connection(s) listen on the channel");
        await Task.Delay(300);
        return pids;
    }

    private async Task<int> CountListenersAsync() => (await ListenerPidsAsync()).Count;

    private async Task<List<int>> ListenerPidsAsync()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE rtrim(query, '; ') = $1 AND state = 'idle';", connection);
        select.Parameters.Add(new() { Value = ListenQuery });
        await using var reader = await select.ExecuteReaderAsync();
        var pids = new List<int>();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }
}
