using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Hookline.PostgreSql;
using Hookline.Tests.Management;
using Xunit.Abstractions;

namespace Hookline.Tests.Sample;

/// <summary>
/// Instances of the sample on one PostgreSQL database, as a deployment runs them: three publish 10,000 events between them
/// and deliver them while one is killed and another restarted; one with a pool of two connections publishes and delivers.
/// </summary>
public sealed class SampleInstancesTests(ITestOutputHelper output)
{
    private const int Events = 10_000;
    private const int RequestsAtOnce = 32;

    [SkippableFact]
    public async Task ThreeInstances_OneKilledOneRestartedMidBacklog_DeliverEveryEvent_NoneTwiceAtOnce()
    {
        TestPostgres.SkipUnlessAvailable();
        var clock = Stopwatch.StartNew();
        var receiver = new Receiver();
        await using var server = await TestReceiver.StartAsync(receiver.RespondAsync);
        await using var instances = await SampleCluster.StartAsync(3, new Dictionary<string, string>
        {
            // Leases last twice the 15 s attempt timeout: the killed instance's run out while the others still publish.
            ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:00.100",
            ["Webhooks:Delivery:RetrySchedule:1"] = "00:00:01",
            ["Webhooks:Delivery:PollInterval"] = "00:00:00.100",
            // Each instance logs each delivery it made: which instance sent what.
            ["Logging:LogLevel:Hookline.WebhookDispatcher"] = "Debug",
        });
        var secrets = new Dictionary<string, string>();
        foreach (var key in new[] { SampleFactory.AliceKey, SampleFactory.BobKey })
        {
            using var tenant = instances[0].Client(key);
            secrets[$"/{key}"] = (await ManagementApi.RegisterAsync(tenant, $"{server.BaseUrl}/{key}"))["secret"]!.GetValue<string>();
        }

        using var http = new HttpClient();
        var next = -1;
        var created = 0;
        var publishing = Task.WhenAll(Enumerable.Range(0, RequestsAtOnce).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Events; i = Interlocked.Increment(ref next))
            {
                await instances.SendAsync(i, instance => SubscribeAsync(http, instance, i));
                Interlocked.Increment(ref created);
            }
        })));

        // A publish request that fails fails the test at once, not when the wait for its share times out.
        Task PublishedAsync(int count, string what) => Eventually.HoldsAsync(
            async () =>
            {
                if (publishing.IsFaulted)
                {
                    await publishing;
                }

                return Volatile.Read(ref created) >= count;
            },
            what,
            TimeSpan.FromSeconds(120));

        // Mid-backlog (a third of the events published, and the rest still to come): SIGKILL one instance.
        await PublishedAsync(Events / 3, "a third published");
        var (killed, inFlightAtKill) = await instances.KillAsync(0);
        // Two thirds published: a rolling restart of another, SIGTERM then started again.
        await PublishedAsync(2 * Events / 3, "two thirds published");
        var stopped = await instances.RestartAsync(1);
        await publishing;
        var published = clock.Elapsed;

        var store = new PostgreSqlWebhookStore(instances.Database, "hookline");
        await Eventually.HoldsAsync(
            async () => receiver.Distinct == Events && (await store.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0,
            $"every event delivered and recorded, the killed instance's leases run out",
            TimeSpan.FromSeconds(120));

        var requests = server.Requests;
        var duplicates = requests.Count - receiver.Distinct;
        var restarted = instances[1].Process;
        var untouched = instances[2].Process;
        output.WriteLine(
            $"{Events} events published in {published.TotalSeconds:0.0} s, all delivered by {clock.Elapsed.TotalSeconds:0.0} s; "
            + $"{requests.Count} requests, {duplicates} duplicates, {inFlightAtKill} in flight at the kill; delivered per process "
            + $"(its log): killed {SampleCluster.Delivered(killed)}, stopped {SampleCluster.Delivered(stopped)}, "
            + $"restarted {SampleCluster.Delivered(restarted)}, untouched {SampleCluster.Delivered(untouched)}");

        Assert.All(requests, r => Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSecret.Parse(secrets[r.Path])).Verify(
                r.Headers["webhook-id"], r.Headers["webhook-timestamp"], r.Headers["webhook-signature"], r.Body)));
        Assert.Equal(Events, requests.Select(r => (r.Path, JsonNode.Parse(r.Body)!["username"]!.GetValue<string>())).Distinct().Count());
        Assert.Equal((Events, Events), (await instances.CountAsync("hookline.messages"), await instances.CountAsync("subscriptions")));
        Assert.Empty(receiver.Overlaps);
        // A delivery is sent again only if its lease ran out unrecorded: those the killed instance had leased.
        Assert.True(duplicates <= inFlightAtKill, $"{duplicates} sent twice, more than the {inFlightAtKill} in flight at the kill.");
        Assert.True(
            SampleCluster.Delivered(restarted) > 0 && SampleCluster.Delivered(untouched) > 0, "A surviving instance delivered nothing.");
    }

    /// <summary>
    /// One instance with a pool of two connections: its listener holds one, so its publishes, 32 requests at once each in its own
    /// transaction, and its dispatcher's leases take turns with the other, from its first request on, and every one is answered.
    /// </summary>
    [SkippableFact]
    public async Task OneInstance_PoolOfTwo_PublishesAtOnceWhileDelivering_AllCreatedAndDelivered()
    {
        const int Count = 320;
        TestPostgres.SkipUnlessAvailable();
        await using var server = await TestReceiver.StartAsync();
        await using var instances = await SampleCluster.StartAsync(
            1, new Dictionary<string, string> { ["Webhooks:Delivery:PollInterval"] = "00:00:00.100" }, maxPoolSize: 2);
        foreach (var key in new[] { SampleFactory.AliceKey, SampleFactory.BobKey })
        {
            using var tenant = instances[0].Client(key);
            await ManagementApi.RegisterAsync(tenant, server.Url);
        }

        using var http = new HttpClient();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, RequestsAtOnce).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Count; i = Interlocked.Increment(ref next))
            {
                await SubscribeAsync(http, instances[0], i);
            }
        })));

        await Eventually.HoldsAsync(
            () => Task.FromResult(server.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count() == Count),
            "every event delivered");
    }

    /// <summary>Subscribes user <paramref name="i"/> through <paramref name="instance"/>, as alice or bob: it must be created.</summary>
    private static async Task SubscribeAsync(HttpClient http, SampleProcess instance, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{instance.Url}/subscriptions")
        {
            Content = JsonContent.Create(new { username = $"user{i}", monthlyFee = i % 100, startDate = "2026-11-23T10:00:00Z" }),
            Headers = { { "X-Api-Key", i % 2 == 0 ? SampleFactory.AliceKey : SampleFactory.BobKey } },
        };
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"user{i}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Answers 204 after a moment; flags a <c>webhook-id</c> that arrives while a request with it is still open.</summary>
    private sealed class Receiver
    {
        private readonly ConcurrentDictionary<string, bool> _received = new();
        private readonly ConcurrentDictionary<string, bool> _open = new();
        private readonly ConcurrentQueue<string> _overlaps = new();

        public int Distinct => _received.Count;

        public IReadOnlyCollection<string> Overlaps => _overlaps;

        public async Task RespondAsync(HttpContext context)
        {
            var id = context.Request.Headers["webhook-id"].ToString();
            _received.TryAdd(id, true);
            if (!_open.TryAdd(id, true))
            {
                _overlaps.Enqueue(id);
            }

            try
            {
                await Task.Delay(5); // Open long enough that two senders of one delivery at once would overlap here.
                context.Response.StatusCode = 204;
            }
            finally
            {
                _open.TryRemove(id, out _);
            }
        }
    }
}
