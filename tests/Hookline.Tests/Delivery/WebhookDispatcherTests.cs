using System.Text;
using System.Text.RegularExpressions;
using Hookline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Delivery;

/// <summary>The dispatcher end to end: publish, lease, send to a real Kestrel receiver on loopback, retry, record.</summary>
public sealed partial class WebhookDispatcherTests
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Publish_ReachesTheReceiverSignedAndIsRecorded()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var host = await StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(7));

        var attempt = Assert.Single(await AttemptsAsync(host, published.MessageId, 1));
        Assert.Equal((204, WebhookAttemptErrorKind.None, endpoint.Id), (attempt.StatusCode, attempt.ErrorKind, attempt.EndpointId));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("""{"sequence":7}""", Encoding.UTF8.GetString(request.Body));
        Assert.Equal(published.MessageId, request.Headers["webhook-id"]);
        var timestamp = long.Parse(request.Headers["webhook-timestamp"]);
        Assert.Equal(WebhookSigner.Sign(WebhookSecret.Parse(endpoint.Secrets[0].Value), published.MessageId, timestamp, request.Body), request.Headers["webhook-signature"]);
        Assert.Matches(TraceParent(), request.Headers["traceparent"]);
        var delivery = Assert.Single(await host.Log.ListDeliveriesAsync(published.MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));
    }

    [Fact]
    public async Task Failures_AreRetriedWithTheSameIdUntilSuccess()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(500, "down"), TestReceiver.Reset, TestReceiver.Status(200, "ok")));
        await using var host = await StartAsync();
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));

        var attempts = await AttemptsAsync(host, published.MessageId, 3);
        Assert.Equal(
            [(500, WebhookAttemptErrorKind.HttpStatus, "down"), (null, WebhookAttemptErrorKind.ConnectionReset, null), (200, WebhookAttemptErrorKind.None, "ok")],
            attempts.Select(a => (a.StatusCode, a.ErrorKind, a.ResponseBody)));
        Assert.All(receiver.Requests, r => Assert.Equal(published.MessageId, r.Headers["webhook-id"]));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await DeliveryAsync(host, published.MessageId)).Status);
    }

    [Fact]
    public async Task ScheduleUsedUp_FailsTheDelivery_AndRecoveryReplaysIt()
    {
        var healthy = false;
        await using var receiver = await TestReceiver.StartAsync(context => (healthy ? TestReceiver.Status(204) : TestReceiver.Status(503))(context));
        await using var host = await StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        var failed = await Eventually.ReadsAsync(() => DeliveryAsync(host, published.MessageId), d => d.Status == WebhookDeliveryStatus.Failed, "the delivery fails");

        Assert.Equal(3, failed.Attempts); // The first attempt and the two retries of the schedule.
        Assert.Equal(3, receiver.Requests.Count);
        healthy = true;
        Assert.Equal(1, await host.Endpoints.RecoverAsync(endpoint.Id, DateTimeOffset.UnixEpoch));
        await Eventually.ReadsAsync(() => DeliveryAsync(host, published.MessageId), d => d.Status == WebhookDeliveryStatus.Succeeded, "the recovered delivery succeeds");
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task Resend_DeliversASucceededMessageAgain()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var host = await StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        await AttemptsAsync(host, published.MessageId, 1);

        Assert.Equal(WebhookResendOutcome.Resent, await host.Endpoints.ResendAsync(published.MessageId, endpoint.Id));

        await AttemptsAsync(host, published.MessageId, 2);
        Assert.Equal([published.MessageId, published.MessageId], receiver.Requests.Select(r => r.Headers["webhook-id"]));
        Assert.Equal(WebhookResendOutcome.NotFound, await host.Endpoints.ResendAsync("msg_unknown", endpoint.Id));
    }

    [Fact]
    public async Task Gone_DisablesTheEndpointAfterOneAttempt()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(410));
        await using var host = await StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));

        var failed = await Eventually.ReadsAsync(() => DeliveryAsync(host, published.MessageId), d => d.Status == WebhookDeliveryStatus.Failed, "the delivery fails");
        Assert.Equal(1, failed.Attempts);
        var disabled = (await host.Endpoints.GetAsync(endpoint.Id))!;
        Assert.Equal((false, "It answered 410 Gone."), (disabled.Enabled, disabled.DisabledReason));
        var afterwards = await host.Publisher.PublishAsync("ping", new Ping(2));
        await host.Queue.ExpandAsync(DateTimeOffset.UnixEpoch, 10, default); // Here or by the dispatcher: either way, expanded now.
        Assert.Empty(await host.Log.ListDeliveriesAsync(afterwards.MessageId, default));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task RetryAfter_PostponesTheRetryBeyondTheSchedule()
    {
        var time = RealNowClock();
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(
            context =>
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            },
            TestReceiver.Status(204)));
        await using var host = await StartAsync(services: s => s.AddSingleton<TimeProvider>(time));
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        var first = Assert.Single(await AttemptsAsync(host, published.MessageId, 1));
        Assert.Equal(429, first.StatusCode);
        // The schedule says 50 ms; the receiver asked for a second.
        var retryAt = first.StartedAt + TimeSpan.FromSeconds(1);
        Assert.Equal(retryAt, (await DeliveryAsync(host, published.MessageId)).NextAttemptAt);

        // Not before: the dispatcher polls through the second (long past the schedule's 50 ms) and leaves the delivery alone.
        await AdvanceInStepsAsync(time, retryAt - TimeSpan.FromMilliseconds(1));
        Assert.Single(receiver.Requests);

        // After: it is retried once the second has passed.
        var attempts = await AttemptsAdvancingAsync(time, host, published.MessageId, 2);
        Assert.Equal([429, 204], attempts.Select(a => a.StatusCode));
        Assert.InRange(attempts[1].StartedAt - first.StartedAt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Hang_TimesOutAndIsRetried()
    {
        var time = RealNowClock();
        var timeout = TimeSpan.FromMinutes(1); // Longer than the test waits: it passes only on the fake clock.
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Hang, TestReceiver.Status(204)));
        await using var host = await StartAsync(o => o.Delivery.Timeout = timeout, s => s.AddSingleton<TimeProvider>(time));
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first attempt reaches the receiver");
        time.Advance(timeout);

        var timedOut = Assert.Single(await AttemptsAsync(host, published.MessageId, 1));
        Assert.Equal((null, WebhookAttemptErrorKind.Timeout, timeout), (timedOut.StatusCode, timedOut.ErrorKind, timedOut.Duration));
        var attempts = await AttemptsAdvancingAsync(time, host, published.MessageId, 2);
        Assert.Equal([WebhookAttemptErrorKind.Timeout, WebhookAttemptErrorKind.None], attempts.Select(a => a.ErrorKind));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await DeliveryAsync(host, published.MessageId)).Status);
    }

    [Fact]
    public async Task FailingForTooLong_DisablesTheEndpoint()
    {
        // This clock moves only when told; publishes still wake the dispatcher.
        var time = RealNowClock();
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(500));
        await using var host = await StartAsync(o => o.Delivery.RetrySchedule = [], s => s.AddSingleton<TimeProvider>(time)); // One attempt each.
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
        var first = await host.Publisher.PublishAsync("ping", new Ping(1));
        var failingSince = time.GetUtcNow();
        await Eventually.ReadsAsync(() => DeliveryAsync(host, first.MessageId), d => d.Status == WebhookDeliveryStatus.Failed, "the first delivery fails");
        var failing = (await host.Endpoints.GetAsync(endpoint.Id))!;
        Assert.Equal((true, failingSince), (failing.Enabled, failing.FailingSince));

        time.Advance(TimeSpan.FromDays(5));
        var published = await host.Publisher.PublishAsync("ping", new Ping(2));

        var failed = await Eventually.ReadsAsync(() => DeliveryAsync(host, published.MessageId), d => d.Status == WebhookDeliveryStatus.Failed, "the delivery fails");
        Assert.Equal(1, failed.Attempts);
        var disabled = (await host.Endpoints.GetAsync(endpoint.Id))!;
        Assert.False(disabled.Enabled);
        Assert.StartsWith("Every delivery to it has failed since", disabled.DisabledReason);
    }

    [Fact]
    public async Task Success_ClearsTheFailingMark()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(500), TestReceiver.Status(204)));
        await using var host = await StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));

        await AttemptsAsync(host, published.MessageId, 2);
        await Eventually.HoldsAsync(async () => (await host.Endpoints.GetAsync(endpoint.Id))!.FailingSince is null, "the endpoint is healthy again");
    }

    [Fact]
    public async Task Concurrency_IsBoundedPerEndpointAndOverall()
    {
        var running = 0;
        var mostAtOnce = 0;
        async Task Slow(HttpContext context)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(100); // Real time: each request is held so that sends overlap and the bound is reached.
            Interlocked.Decrement(ref running);
            context.Response.StatusCode = 204;
        }

        await using var first = await TestReceiver.StartAsync(Slow);
        await using var second = await TestReceiver.StartAsync(Slow);
        await using var host = await StartAsync(o =>
        {
            o.Delivery.MaxConcurrency = 3;
            o.Delivery.MaxConcurrencyPerEndpoint = 2;
        });
        await host.Endpoints.CreateAsync(new() { Url = first.Url });
        await host.Endpoints.CreateAsync(new() { Url = second.Url });

        for (var i = 0; i < 10; i++)
        {
            await host.Publisher.PublishAsync("ping", new Ping(i));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(first.Requests.Count + second.Requests.Count == 20), "all 20 deliveries arrive");
        Assert.Equal(3, mostAtOnce);
        Assert.Equal(10, first.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }

    [Fact]
    public async Task Concurrency_OneEndpointNeverGetsMoreThanItsLimit()
    {
        var running = 0;
        var mostAtOnce = 0;
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            InterlockedMax(ref mostAtOnce, Interlocked.Increment(ref running));
            await Task.Delay(50); // Real time: each request is held so that sends overlap and the bound is reached.
            Interlocked.Decrement(ref running);
            context.Response.StatusCode = 204;
        });
        await using var host = await StartAsync(o => o.Delivery.MaxConcurrencyPerEndpoint = 2);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => host.Publisher.PublishAsync("ping", new Ping(i))));

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 12), "all 12 deliveries arrive");
        Assert.Equal(2, mostAtOnce);
    }

    [Fact]
    public async Task RateLimit_SpacesAnEndpointsDeliveries_AndLeavesOthersAlone()
    {
        var arrivals = new System.Collections.Concurrent.ConcurrentQueue<(string Path, long At)>();
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            arrivals.Enqueue((context.Request.Path, System.Diagnostics.Stopwatch.GetTimestamp()));
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await using var host = await StartAsync();
        await host.Endpoints.CreateAsync(new() { Url = receiver.BaseUrl + "/limited", RateLimit = 10 });
        await host.Endpoints.CreateAsync(new() { Url = receiver.BaseUrl + "/free" });

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => host.Publisher.PublishAsync("ping", new Ping(i))));

        await Eventually.HoldsAsync(() => Task.FromResult(arrivals.Count == 12), "6 deliveries to each endpoint");
        var limited = arrivals.Where(a => a.Path == "/limited").Select(a => a.At).Order().ToList();
        var free = arrivals.Where(a => a.Path == "/free").Select(a => a.At).Order().ToList();
        // 10 a second: sends start 100 ms apart, so six take at least 500 ms (arrivals jitter by a few ms either way).
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(limited[0], limited[^1]) >= TimeSpan.FromMilliseconds(450), "spaced by the rate limit");
        // The other endpoint's deliveries go at once after its first success (its circuit closed): some arrive closer together
        // than the limited endpoint's 100 ms. (Not the whole spread: on a loaded machine its first send and record can take long.)
        var closest = free.Zip(free.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b)).Min();
        Assert.True(closest < TimeSpan.FromMilliseconds(100), $"the endpoint without a limit is not held back: its closest arrivals are {closest} apart");
    }

    [Fact]
    public async Task RateLimit_AnIdleDispatcherWakesWhenTheNextSlotComes_NotAtItsPoll()
    {
        await using var receiver = await TestReceiver.StartAsync();
        // A poll far longer than the test: only the held-back deliveries' due times can wake the dispatcher between sends.
        await using var host = await StartAsync(o => o.Delivery.PollInterval = TimeSpan.FromMinutes(10));
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url, RateLimit = 20 });

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => host.Publisher.PublishAsync("ping", new Ping(i))));

        // 20 a second: the fifth send is due 200 ms after the first.
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 5), "all five, a slot apart", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task RecordingFails_TheDeliveryIsSentAgainWhenItsLeaseRunsOut_AndThenRecorded()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var file = SqliteTestFiles.NewPath();
        try
        {
            // Leases run out after twice the timeout: 2 s.
            await using var host = await StartAsync(o => o.Delivery.Timeout = TimeSpan.FromSeconds(1), file: file);
            await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
            // A disk that is full, as SQLite reports it, for the attempts the dispatcher records (its lease transaction fails whole).
            await ExecuteAsync(file, "CREATE TRIGGER full_disk BEFORE INSERT ON attempts BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;");

            var published = await host.Publisher.PublishAsync("ping", new Ping(1));
            await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first attempt arrives");
            await Task.Delay(TimeSpan.FromMilliseconds(300)); // Real time: a few leases (poll 50 ms) fail to record it meanwhile.
            await ExecuteAsync(file, "DROP TRIGGER full_disk;");

            var delivery = await Eventually.ReadsAsync(
                () => DeliveryAsync(host, published.MessageId), d => d.Status == WebhookDeliveryStatus.Succeeded, "the delivery is recorded");
            Assert.Equal(1, delivery.Attempts); // The lost record is not counted; the attempt after the lease ran out is.
            Assert.Equal(2, receiver.Requests.Count); // At least once: sent again, with the same webhook-id.
            Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    private static async Task ExecuteAsync(string file, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Shutdown_FinishesAttemptsInFlightWithinTheTimeout()
    {
        var arrived = new TaskCompletionSource();
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            arrived.TrySetResult();
            await Task.Delay(300); // Real time: still answering when the host stops (right after arrival), well within its shutdown timeout.
            context.Response.StatusCode = 204;
        });
        var file = SqliteTestFiles.NewPath();
        try
        {
            string messageId;
            await using (var host = await StartAsync(file: file))
            {
                await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
                messageId = (await host.Publisher.PublishAsync("ping", new Ping(1))).MessageId;
                await arrived.Task.WaitAsync(Eventually.DefaultTimeout);
            }

            await using var after = await StartAsync(o => o.Delivery.Enabled = false, file: file);
            var delivery = await DeliveryAsync(after, messageId);
            Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Shutdown_ReleasesAttemptsStillInFlightAtTheTimeout()
    {
        var arrived = new TaskCompletionSource();
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(
            context =>
            {
                arrived.TrySetResult();
                return TestReceiver.Hang(context);
            },
            TestReceiver.Status(204)));
        var file = SqliteTestFiles.NewPath();
        try
        {
            string messageId;
            await using (var host = await StartAsync(o => o.Delivery.Timeout = TimeSpan.FromMinutes(1), s => s.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromMilliseconds(300)), file))
            {
                await host.Endpoints.CreateAsync(new() { Url = receiver.Url });
                messageId = (await host.Publisher.PublishAsync("ping", new Ping(1))).MessageId;
                await arrived.Task.WaitAsync(Eventually.DefaultTimeout);
            }

            await using (var stopped = await StartAsync(o => o.Delivery.Enabled = false, file: file))
            {
                var released = await DeliveryAsync(stopped, messageId);
                Assert.Equal((WebhookDeliveryStatus.Pending, 0), (released.Status, released.Attempts));
                Assert.InRange(released.NextAttemptAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow); // Due now, not when the 2-minute lease would end.
                Assert.Empty(await stopped.Log.ListAttemptsAsync(messageId, default));
            }

            await using var restarted = await StartAsync(file: file);
            await Eventually.ReadsAsync(() => DeliveryAsync(restarted, messageId), d => d.Status == WebhookDeliveryStatus.Succeeded, "the released delivery is delivered after a restart");
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Disabled_DeliversNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var host = await StartAsync(o => o.Delivery.Enabled = false);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url });

        var published = await host.Publisher.PublishAsync("ping", new Ping(1));
        // Once the dispatcher has returned nothing can send any more: no need to wait and see that nothing comes.
        var dispatcher = host.Services.GetServices<IHostedService>().OfType<WebhookDispatcher>().Single();
        await dispatcher.ExecuteTask!.WaitAsync(Eventually.DefaultTimeout);

        // Not even fanned out: an instance that only publishes leaves that to the instances that deliver.
        Assert.Empty(await host.Log.ListDeliveriesAsync(published.MessageId, default));
        Assert.Equal(1, (await host.Queue.GetBacklogAsync(DateTimeOffset.MaxValue.AddDays(-1), default)).Pending);
        Assert.Empty(receiver.Requests);
    }

    internal static Task<SqliteTestHost> StartAsync(Action<WebhookOptions>? options = null, Action<IServiceCollection>? services = null, string? file = null) =>
        SqliteTestHost.StartAsync(
            webhooks => webhooks.MapPost<Ping>("ping"),
            o =>
            {
                o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
                o.Delivery.RequireHttps = false;
                o.Delivery.RetrySchedule = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)];
                o.Delivery.RetryJitter = 0;
                o.Delivery.PollInterval = s_pollInterval;
                options?.Invoke(o);
            },
            services,
            file);

    internal static async Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(SqliteTestHost host, string messageId, int count) =>
        await Eventually.ReadsAsync(() => host.Log.ListAttemptsAsync(messageId, default), a => a.Count >= count, $"{count} attempts at {messageId}");

    /// <summary>A clock that moves only when told, from the real now (to the ms, as stored) as deliveries go over real HTTP.</summary>
    private static FakeTimeProvider RealNowClock() =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    /// <summary>
    /// Moves <paramref name="time"/> on to <paramref name="until"/> a poll interval at a time, pausing (in real time) after each
    /// step so that the dispatcher, woken by its poll timer, looks for due work at every step.
    /// </summary>
    private static async Task AdvanceInStepsAsync(FakeTimeProvider time, DateTimeOffset until)
    {
        while (time.GetUtcNow() < until)
        {
            var step = until - time.GetUtcNow();
            time.Advance(step < s_pollInterval ? step : s_pollInterval);
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits for <paramref name="count"/> attempts at <paramref name="messageId"/>, moving <paramref name="time"/> on a poll interval
    /// at every look, so a retry falls due and the dispatcher's poll timer fires whenever it waits on it.
    /// </summary>
    private static Task<IReadOnlyList<WebhookAttempt>> AttemptsAdvancingAsync(
        FakeTimeProvider time, SqliteTestHost host, string messageId, int count) =>
        Eventually.ReadsAsync(
            async () =>
            {
                var attempts = await host.Log.ListAttemptsAsync(messageId, default);
                if (attempts.Count < count)
                {
                    time.Advance(s_pollInterval);
                }

                return attempts;
            },
            a => a.Count >= count,
            $"{count} attempts at {messageId}");

    /// <summary>The message's one delivery, once the dispatcher has fanned the message out.</summary>
    private static async Task<WebhookDelivery> DeliveryAsync(SqliteTestHost host, string messageId) =>
        Assert.Single(await Eventually.ReadsAsync(() => host.Log.ListDeliveriesAsync(messageId, default), d => d.Count > 0, $"{messageId} is fanned out"));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceParent();
}
