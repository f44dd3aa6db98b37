using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hookline.PostgreSql;
using Xunit.Abstractions;

namespace Hookline.Tests.Sample;

/// <summary>
/// Ordered delivery across instances (issue 24, item 4): three instances of the sample on one PostgreSQL database publish 5,000
/// fee changes of 50 subscriptions to an endpoint set to ordered delivery, whose receiver fails a tenth of first attempts, while
/// one instance is killed.
/// </summary>
public sealed class SampleOrderedDeliveryTests(ITestOutputHelper output)
{
    private const int Subscriptions = 50;
    private const int Changes = 100;
    private const int Events = Subscriptions * Changes;

    [SkippableFact]
    public async Task ThreeInstances_OrderedEndpoint_OneKilled_ReceivesEachSubscriptionsChangesInOrder_OneAtATime_NoneLost()
    {
        TestPostgres.SkipUnlessAvailable();
        var clock = Stopwatch.StartNew();
        var receiver = new OrderedReceiver();
        await using var server = await TestReceiver.StartAsync(receiver.RespondAsync);
        await using var instances = await SampleCluster.StartAsync(3, new Dictionary<string, string>
        {
            // Leases last twice the attempt timeout: the killed instance's run out 10 s after the kill.
            ["Webhooks:Delivery:Timeout"] = "00:00:05",
            // Retries soon, and more than the receiver's one failure per delivery needs: none runs out and blocks its subscription.
            ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:00.100",
            ["Webhooks:Delivery:RetrySchedule:1"] = "00:00:00.500",
            ["Webhooks:Delivery:RetrySchedule:2"] = "00:00:01",
            ["Webhooks:Delivery:RetrySchedule:3"] = "00:00:01",
            ["Webhooks:Delivery:RetrySchedule:4"] = "00:00:01",
            ["Webhooks:Delivery:PollInterval"] = "00:00:00.100",
            // Sixteen of the fifty subscriptions at once: room for a subscription's next change to go beside the one before.
            ["Webhooks:Delivery:MaxConcurrencyPerEndpoint"] = "16",
            // Five failures in a row, rare at one in ten, cost a second rather than 30.
            ["Webhooks:Delivery:CircuitBreaker:BreakDuration"] = "00:00:01",
            ["Logging:LogLevel:Hookline.WebhookDispatcher"] = "Debug",
        });
        using var http = new HttpClient();
        await RegisterOrderedAsync(http, instances[0], server.Url);
        await Task.WhenAll(Enumerable.Range(0, Subscriptions).Select(s => instances.SendAsync(s, instance => SendAsync(
            http,
            instance,
            HttpMethod.Post,
            "/subscriptions",
            new { username = $"sub{s}", monthlyFee = 0, startDate = "2026-11-23T10:00:00Z" }))));

        // Each subscription's changes one after another (fee 1 to 100), the subscriptions at once, through the instances in turn.
        var published = 0;
        var publishing = Task.WhenAll(Enumerable.Range(0, Subscriptions).Select(s => Task.Run(async () =>
        {
            for (var fee = 1; fee <= Changes; fee++)
            {
                var change = new { monthlyFee = fee };
                await instances.SendAsync(
                    s + fee, instance => SendAsync(http, instance, HttpMethod.Put, $"/subscriptions/sub{s}", change));
                Interlocked.Increment(ref published);
            }
        })));
        await Eventually.HoldsAsync(
            async () =>
            {
                if (publishing.IsFaulted)
                {
                    await publishing; // A change that fails fails the test at once.
                }

                return Volatile.Read(ref published) >= Events / 2;
            },
            "half the changes published",
            TimeSpan.FromSeconds(120));
        // The instance with the most deliveries in flight now, the likeliest to die with some.
        var inFlight = await Task.WhenAll(Enumerable.Range(0, 3).Select(instances.InFlightAsync));
        var victim = Array.IndexOf(inFlight, inFlight.Max());
        var acceptedAtKill = receiver.Accepted;
        var (killed, inFlightAtKill) = await instances.KillAsync(victim);
        var survivors = Enumerable.Range(0, 3).Where(i => i != victim).Select(i => instances[i].Process).ToList();
        await publishing;
        var publishedIn = clock.Elapsed;

        var store = new PostgreSqlWebhookStore(instances.Database, "hookline");
        try
        {
            await Eventually.HoldsAsync(
                async () => receiver.Accepted == Events && (await store.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0,
                "every change accepted and recorded, the killed instance's leases run out",
                TimeSpan.FromSeconds(120));
        }
        finally
        {
            output.WriteLine(
                $"{Events} changes published in {publishedIn.TotalSeconds:0.0} s; {receiver.Accepted} accepted by "
                + $"{clock.Elapsed.TotalSeconds:0.0} s in {server.Requests.Count} requests, {receiver.FailedFirstAttempts} first attempts "
                + $"failed, {inFlightAtKill} in flight at the kill ({acceptedAtKill} accepted by then); delivered per process (its log): "
                + $"killed {SampleCluster.Delivered(killed)}, "
                + $"others {string.Join(" and ", survivors.Select(SampleCluster.Delivered))}; {receiver.Overlaps.Count} overlaps, "
                + $"{receiver.Regressions.Count} regressions");
        }

        Assert.Empty(receiver.Overlaps);
        Assert.Empty(receiver.Regressions);
        Assert.Empty(receiver.AcceptedOutOfOrder(Enumerable.Range(0, Subscriptions).Select(s => $"sub{s}"), Changes));
        Assert.Equal(Subscriptions + Events, await instances.CountAsync("hookline.messages"));
        Assert.True(
            survivors.All(p => SampleCluster.Delivered(p) > 0),
            "A surviving instance delivered nothing: the order was not kept across instances.");
    }

    /// <summary>Registers alice's endpoint for <c>subscription-changed</c>, ordered, through the management API.</summary>
    private static async Task RegisterOrderedAsync(HttpClient http, SampleProcess instance, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{instance.Url}/webhooks/endpoints")
        {
            Content = JsonContent.Create(new { url, eventTypes = new[] { "subscription-changed" }, ordering = "ordered" }),
            Headers = { { "X-Api-Key", SampleFactory.AliceKey } },
        };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Registering the ordered endpoint: {(int)response.StatusCode} {body}");
        Assert.Equal("ordered", JsonNode.Parse(body)!["ordering"]?.GetValue<string>());
    }

    /// <summary>Sends a request as alice: it must succeed.</summary>
    private static async Task SendAsync(HttpClient http, SampleProcess instance, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, instance.Url + path)
        {
            Content = JsonContent.Create(body),
            Headers = { { "X-Api-Key", SampleFactory.AliceKey } },
        };
        using var response = await http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        var log = string.Join('\n', instance.Process.Lines.TakeLast(40));
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {answer}\nThe instance's log:\n{log}");
    }

    /// <summary>
    /// Answers 204, or 500 to the first attempt of one change in ten (by a hash of its <c>webhook-id</c>). Keeps each subscription's
    /// fees in the order they were accepted (the first 2xx of each <c>webhook-id</c>), and flags a change that arrives while another
    /// of its subscription is being answered, or after a later one (a redelivery is fine only before the next change goes).
    /// </summary>
    private sealed class OrderedReceiver
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new();
        private readonly ConcurrentDictionary<string, bool> _accepted = new();
        private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new();
        private readonly ConcurrentQueue<string> _overlaps = new();
        private readonly ConcurrentQueue<string> _regressions = new();
        private int _failedFirstAttempts;

        public int Accepted => _accepted.Count;

        public int FailedFirstAttempts => Volatile.Read(ref _failedFirstAttempts);

        public IReadOnlyCollection<string> Overlaps => _overlaps;

        public IReadOnlyCollection<string> Regressions => _regressions;

        /// <summary>The subscriptions whose accepted fees are not 1 to <paramref name="changes"/> in order, with what they were.</summary>
        public IEnumerable<string> AcceptedOutOfOrder(IEnumerable<string> usernames, int changes) =>
            from username in usernames
            let fees = _subscriptions.TryGetValue(username, out var subscription) ? subscription.AcceptedFees() : []
            where !fees.SequenceEqual(Enumerable.Range(1, changes))
            select $"{username}: {string.Join(',', fees)}";

        public async Task RespondAsync(HttpContext context)
        {
            var request = TestReceiver.Received(context);
            var id = request.Headers["webhook-id"];
            var body = JsonNode.Parse(request.Body)!;
            var username = body["username"]!.GetValue<string>();
            var fee = (int)body["monthlyFee"]!.GetValue<decimal>();
            var subscription = _subscriptions.GetOrAdd(username, _ => new());
            if (Interlocked.Increment(ref subscription.Open) > 1)
            {
                _overlaps.Enqueue($"{username}: change {fee} arrived while another of it was being answered");
            }

            try
            {
                if (subscription.Sent(fee) is var latest && latest > fee)
                {
                    _regressions.Enqueue($"{username}: change {fee} arrived after change {latest}");
                }

                await Task.Delay(20); // Open long enough that two changes of one subscription sent at once would overlap here.
                if (_attempts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1 && FailsFirstAttempt(id))
                {
                    Interlocked.Increment(ref _failedFirstAttempts);
                    context.Response.StatusCode = 500;
                    return;
                }

                if (_accepted.TryAdd(id, true))
                {
                    subscription.Accept(fee);
                }

                context.Response.StatusCode = 204;
            }
            finally
            {
                Interlocked.Decrement(ref subscription.Open);
            }
        }

        private static bool FailsFirstAttempt(string webhookId) =>
            BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId))) % 10 == 0;

        private sealed class Subscription
        {
            private readonly List<int> _accepted = [];
            private int _latest;

            /// <summary>Requests of it being answered.</summary>
            public int Open;

            /// <summary>Notes a request with <paramref name="fee"/>; returns the highest fee sent before it.</summary>
            public int Sent(int fee)
            {
                lock (_accepted)
                {
                    var latest = _latest;
                    _latest = Math.Max(_latest, fee);
                    return latest;
                }
            }

            public void Accept(int fee)
            {
                lock (_accepted)
                {
                    _accepted.Add(fee);
                }
            }

            public List<int> AcceptedFees()
            {
                lock (_accepted)
                {
                    return [.. _accepted];
                }
            }
        }
    }
}
