using Hookline.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Hookline.Tests.Delivery;

/// <summary>What one delivery or one answer brings stays with it: the rest of its batch is sent and recorded.</summary>
public sealed partial class WebhookDispatcherTests
{
    [Fact]
    public async Task SecretFromAnotherKeyRing_FailsThatAttemptOnly_WhichIsRetriedOnItsSchedule()
    {
        await using var lost = await TestReceiver.StartAsync();
        await using var kept = await TestReceiver.StartAsync();
        var logs = new CapturingLoggerProvider();
        var file = SqliteTestFiles.NewPath();
        try
        {
            string lostId;
            await using (var before = await StartAsync(o => o.Delivery.Enabled = false, KeyRing("before-the-change"), file))
            {
                lostId = (await before.Endpoints.CreateAsync(new() { Url = lost.Url })).Id;
            }

            await using var host = await StartAsync(
                services: services =>
                {
                    KeyRing("after-the-change")(services);
                    services.AddSingleton<ILoggerProvider>(logs);
                },
                file: file);
            await host.Endpoints.CreateAsync(new() { Url = kept.Url });

            var published = await host.Publisher.PublishAsync("ping", new Ping(1));

            var attempts = await AttemptsAsync(host, published.MessageId, 4); // One to the kept endpoint, three to the other.
            Assert.Single(kept.Requests);
            Assert.Empty(lost.Requests);
            var failed = attempts.Where(a => a.EndpointId == lostId).ToList();
            Assert.Equal(3, failed.Count); // The first attempt and the schedule's two retries.
            Assert.All(failed, a => Assert.Equal((WebhookAttemptErrorKind.Signing, null, WebhookSender.NotSignedError), (a.ErrorKind, a.StatusCode, a.Error)));
            Assert.DoesNotContain(failed, a => a.Error!.Contains("key ring", StringComparison.Ordinal)); // The operator's fix is logged.
            Assert.Contains(logs.Messages, m => m.Contains(published.MessageId, StringComparison.Ordinal) && m.Contains("key ring", StringComparison.Ordinal));
            var deliveries = await host.Log.ListDeliveriesAsync(published.MessageId, default);
            Assert.Equal(WebhookDeliveryStatus.Failed, deliveries.Single(d => d.EndpointId == lostId).Status);
            Assert.Equal(WebhookDeliveryStatus.Succeeded, deliveries.Single(d => d.EndpointId != lostId).Status);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task AttemptTheStoreRefuses_IsSetAsideAndLogged_AndTheRestOfItsBatchIsRecordedOnce()
    {
        // Both receivers hold their first request until the other's arrives, so both attempts end together, in one batch.
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        Func<HttpContext, Task> AnswerTogether(int status) => async context =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                bothArrived.SetResult();
            }

            await bothArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
            context.Response.StatusCode = status;
        };
        await using var good = await TestReceiver.StartAsync(AnswerTogether(204));
        await using var refused = await TestReceiver.StartAsync(AnswerTogether(418));
        var logs = new CapturingLoggerProvider();
        var file = SqliteTestFiles.NewPath();
        try
        {
            // Leases run out after twice the timeout: 6 s. A shorter timeout can end the first attempts before both requests
            // arrive, on a loaded machine or a process's first requests.
            await using var host = await StartAsync(
                o => o.Delivery.Timeout = TimeSpan.FromSeconds(3), services => services.AddSingleton<ILoggerProvider>(logs), file);
            var goodEndpoint = await host.Endpoints.CreateAsync(new() { Url = good.Url });
            var refusedEndpoint = await host.Endpoints.CreateAsync(new() { Url = refused.Url });
            // The database refuses one attempt's row, as it would a value it cannot store.
            await ExecuteAsync(file, "CREATE TRIGGER refuse BEFORE INSERT ON attempts WHEN NEW.status_code = 418 BEGIN SELECT RAISE(FAIL, 'refused'); END;");

            var published = await host.Publisher.PublishAsync("ping", new Ping(1));

            // The refused attempt is never recorded, so its delivery is sent again when its lease runs out; the other is not.
            await Eventually.HoldsAsync(
                () => Task.FromResult(refused.Requests.Count >= 2), "the refused delivery is sent again", TimeSpan.FromSeconds(30));
            Assert.Single(good.Requests);
            var recorded = Assert.Single(await host.Log.ListAttemptsAsync(published.MessageId, default));
            Assert.Equal((goodEndpoint.Id, 204), (recorded.EndpointId, recorded.StatusCode));
            Assert.Contains(logs.Messages, m => m.Contains("Could not record an attempt", StringComparison.Ordinal) && m.Contains(refusedEndpoint.Id, StringComparison.Ordinal));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task ReceiverAnswersNul_TheAttemptIsRecordedWithAReplacementCharacter_OnSqlite()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(200, NulBody));
        await using var host = await StartAsync();
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));

        Assert.Equal(StoredNulBody, Assert.Single(await AttemptsAsync(host, published.MessageId, 1)).ResponseBody);
    }

    [SkippableFact]
    public async Task ReceiverAnswersNul_TheAttemptIsRecordedWithAReplacementCharacter_OnPostgreSql()
    {
        TestPostgres.SkipUnlessAvailable();
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(200, NulBody));
        await using var instances = new PostgresInstances();
        var app = await instances.StartAsync(o => o.Delivery.PollInterval = s_pollInterval);
        await app.Services.GetRequiredService<IWebhookEndpointManager>().CreateAsync(new() { Url = receiver.Url });
        var log = app.Services.GetRequiredService<IWebhookLogReader>();

        var published = await app.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1));

        var attempts = await Eventually.ReadsAsync(() => log.ListAttemptsAsync(published.MessageId, default), a => a.Count > 0, "the attempt is recorded");
        Assert.Equal(StoredNulBody, Assert.Single(attempts).ResponseBody);
    }

    private const string NulBody = "ok\0{\"a\":\"\0\"}";
    private const string StoredNulBody = "ok\uFFFD{\"a\":\"\uFFFD\"}";

    private static Action<IServiceCollection> KeyRing(string application) => services => services.AddDataProtection()
        .SetApplicationName(application)
        .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "hookline-tests-keys", application)));
}
