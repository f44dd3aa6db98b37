using Hookline.Storage;

namespace Hookline.Tests.Delivery;

/// <summary>At least once, even when the process delivering is killed mid-backlog.</summary>
public sealed class CrashRecoveryTests
{
    private const int Messages = 200;

    [Fact]
    public async Task Sigkill_MidBacklog_LosesNothing()
    {
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            await Task.Delay(100); // Slow enough that attempts are always in flight when the kill comes.
            context.Response.StatusCode = 204;
        });
        var file = SqliteTestFiles.NewPath();
        try
        {
            // The backlog is published, and checked, by a host that does not deliver, on the file the sample delivers from.
            await using var publisher = await SqliteTestHost.StartAsync(w => w.MapPost<Subscription>("new-subscription"), o =>
            {
                o.Delivery.Enabled = false;
                o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
                o.Delivery.RequireHttps = false;
            },
            file: file);
            await publisher.Endpoints.CreateAsync(new() { Url = receiver.Url });
            var results = await Task.WhenAll(Enumerable.Range(0, Messages).Select(i =>
                publisher.Publisher.PublishAsync("new-subscription", new Subscription($"user{i}", i, DateTimeOffset.UnixEpoch))));
            List<string> published = [.. results.Select(r => r.MessageId)];

            await using (var first = StartSample(file))
            {
                // A child process starts slowly on a loaded machine (the whole suite runs alongside): give it time to begin.
                await Eventually.HoldsAsync(
                    () => Task.FromResult(receiver.Requests.Count >= 40), $"the first process delivers 40 of {Messages}", TimeSpan.FromSeconds(60));
                Assert.Equal(137, await first.KillAsync()); // 128 + SIGKILL
            }

            Assert.InRange(receiver.Requests.Count, 40, Messages - 1);
            await using (var second = StartSample(file))
            {
                try
                {
                    await Eventually.HoldsAsync(
                        async () => (await publisher.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0,
                        "the second process delivers the rest",
                        TimeSpan.FromSeconds(60));
                }
                catch (Xunit.Sdk.XunitException timedOut)
                {
                    var pending = (await publisher.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending;
                    Assert.Fail($"{timedOut.Message} (received {receiver.Requests.Count}, pending {pending})\n{second.Output}");
                }
            }

            var deliveries = await Task.WhenAll(published.Select(id => publisher.Log.ListDeliveriesAsync(id, default)));
            Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, Assert.Single(d).Status));
            Assert.Equal(published.Order(), ReceivedIds(receiver).Order());
            // Attempts in flight at the kill were never recorded: their leases ran out and they were sent again.
            Assert.True(receiver.Requests.Count > Messages, "Nothing was in flight at the kill, so lease recovery went untested.");
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    /// <summary>The sample (built next to the tests) in a child process of its own, so the test can kill it.</summary>
    private static DotnetProcess StartSample(string file) =>
        DotnetProcess.Start(
            AppContext.BaseDirectory,
            [Path.Combine(AppContext.BaseDirectory, "Subscriptions.dll"), .. Settings(file).Select(s => $"--{s.Key}={s.Value}")]);

    private static HashSet<string> ReceivedIds(TestReceiver receiver) => [.. receiver.Requests.Select(r => r.Headers["webhook-id"])];

    private static Dictionary<string, string> Settings(string file) => new()
    {
        ["environment"] = "Production",
        ["urls"] = "http://127.0.0.1:0",
        ["ConnectionStrings:Webhooks"] = $"Data Source={file}",
        ["Webhooks:Delivery:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Webhooks:Delivery:RequireHttps"] = "false",
        ["Webhooks:Delivery:Timeout"] = "00:00:02", // Leases last twice this: the killed process's run out in 4 s.
        // An attempt that times out on a loaded machine is retried within the test's time, not in 5 minutes.
        ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:00.100",
        ["Webhooks:Delivery:RetrySchedule:1"] = "00:00:00.500",
        ["Webhooks:Delivery:RetrySchedule:2"] = "00:00:01",
        ["Webhooks:Delivery:RetrySchedule:3"] = "00:00:02",
        ["Webhooks:Delivery:RetrySchedule:4"] = "00:00:05",
        ["Webhooks:Delivery:PollInterval"] = "00:00:00.100",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
