using System.Collections.Concurrent;
using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Tests.Delivery;

/// <summary>
/// Ordered delivery through the dispatcher, on SQLite, over a real receiver: each key's messages arrive one at a time in publish
/// order through retries; one whose retries run out blocks its key until skipped.
/// </summary>
public sealed class OrderedDeliveryTests
{
    [Fact]
    public async Task OrderedEndpoint_EachKeyInPublishOrder_OneAtATime_ThroughRetries()
    {
        const int Keys = 5;
        const int PerKey = 20;
        var inFlight = new ConcurrentDictionary<int, int>();
        var accepted = new ConcurrentQueue<(int Key, int Place)>();
        var failedOnce = new ConcurrentDictionary<int, bool>();
        var beside = new ConcurrentQueue<int>();
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            var ping = JsonSerializer.Deserialize<Ping>(TestReceiver.Received(context).Body, JsonSerializerOptions.Web)!;
            var (key, place) = (ping.Sequence / 1_000, ping.Sequence % 1_000);
            if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
            {
                beside.Enqueue(ping.Sequence);
            }

            await Task.Delay(5);
            // A fifth of first attempts fail (every fifth message of a key): their retries must come before the next of the key.
            var fail = place % 5 == 2 && failedOnce.TryAdd(ping.Sequence, true);
            if (!fail)
            {
                accepted.Enqueue((key, place));
            }

            inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            context.Response.StatusCode = fail ? 503 : 204;
        });
        // The keys reach their failing messages about together: five failures in a row would open the circuit for 30 s.
        await using var host = await WebhookDispatcherTests.StartAsync(o => o.Delivery.CircuitBreaker.FailureThreshold = 1_000);
        await host.Endpoints.CreateAsync(new() { Url = receiver.Url, Ordering = WebhookOrdering.Ordered });

        // Each key's messages published one after another, the keys at once.
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(key => Task.Run(async () =>
        {
            for (var place = 0; place < PerKey; place++)
            {
                await host.Publisher.PublishAsync("ping", new Ping((key * 1_000) + place), orderingKey: $"key-{key}");
            }
        })));

        await Eventually.HoldsAsync(() => Task.FromResult(accepted.Count == Keys * PerKey), "every message accepted once");
        Assert.Empty(beside);
        Assert.Equal(Keys * PerKey / 5, failedOnce.Count);
        foreach (var key in Enumerable.Range(0, Keys))
        {
            Assert.Equal(Enumerable.Range(0, PerKey), accepted.Where(a => a.Key == key).Select(a => a.Place));
        }
    }

    [Fact]
    public async Task RetriesRunOut_TheDeliveryBlocksItsKeyUntilSkipped_OtherKeysGoOn()
    {
        var received = new ConcurrentQueue<int>();
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            var ping = JsonSerializer.Deserialize<Ping>(TestReceiver.Received(context).Body, JsonSerializerOptions.Web)!;
            received.Enqueue(ping.Sequence);
            context.Response.StatusCode = ping.Sequence == 1 ? 500 : 204;
        });
        await using var host = await WebhookDispatcherTests.StartAsync();
        var endpoint = await host.Endpoints.CreateAsync(new() { Url = receiver.Url, Ordering = WebhookOrdering.Ordered });

        var blocked = await host.Publisher.PublishAsync("ping", new Ping(1), orderingKey: "a");
        await host.Publisher.PublishAsync("ping", new Ping(2), orderingKey: "a");
        await host.Publisher.PublishAsync("ping", new Ping(3), orderingKey: "b");

        // Three attempts (the schedule's two retries), then blocked: the other key went meanwhile, its own key did not.
        await Eventually.ReadsAsync(
            () => host.Log.ListDeliveriesAsync(blocked.MessageId, default),
            d => d is [{ Status: WebhookDeliveryStatus.Blocked }], // None until the message is expanded.
            "the first message, blocked");
        await Eventually.HoldsAsync(() => Task.FromResult(received.Contains(3)), "the other key's message");
        Assert.Equal([1, 1, 1, 3], received.Order());

        Assert.True(await host.Endpoints.SkipAsync(blocked.MessageId, endpoint.Id));

        await Eventually.HoldsAsync(() => Task.FromResult(received.Contains(2)), "the next message of the key, once skipped");
        Assert.Equal(WebhookDeliveryStatus.Failed, (await host.Log.ListDeliveriesAsync(blocked.MessageId, default)).Single().Status);
    }
}
