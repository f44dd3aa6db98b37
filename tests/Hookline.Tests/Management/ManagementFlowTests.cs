using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Management;

/// <summary>The management API end to end over HTTP, on the sample served by Kestrel: what an API user does with it.</summary>
public sealed class ManagementFlowTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task Register_Publish_Receive_Log_Resend_AndTestEvent()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var (endpoint, receiver) = await ManagementApi.RegisterNodeReceiverAsync(alice, ["new-subscription"]);
        await using var stop = receiver;
        var id = endpoint["id"]!.GetValue<string>();
        Assert.StartsWith("whsec_", endpoint["secret"]!.GetValue<string>());

        // Publish: the official library verifies the delivery, and the log shows it.
        await ManagementApi.SubscribeAsync(alice, "rick");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count == 1), "the delivery");
        var message = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "the message, delivered"))!;
        var messageId = message["id"]!.GetValue<string>();
        Assert.StartsWith($"verified {messageId} ", receiver.Lines[0]);
        Assert.Equal("rick", message["payload"]!["username"]!.GetValue<string>());
        Assert.Equal((id, "succeeded", 1), ManagementApi.Delivery(message));
        var attempt = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, $"/webhooks/attempts?endpointId={id}", a => a.Count == 1, "the attempt"))!;
        Assert.Equal((messageId, 204, "none"), (attempt["messageId"]!.GetValue<string>(), attempt["statusCode"]!.GetValue<int>(), attempt["errorKind"]!.GetValue<string>()));

        // Resend: the same message, again, with the same webhook-id.
        using (var resent = await alice.PostAsync($"/webhooks/endpoints/{id}/messages/{messageId}/resend", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        }

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count == 2), "the resent delivery");
        Assert.StartsWith($"verified {messageId} ", receiver.Lines[1]);
        await ManagementApi.EventuallyListsAsync(alice, $"/webhooks/attempts?messageId={messageId}", a => a.Count == 2, "both attempts in the log");

        // A test event: the event type's documented example, signed like any delivery.
        var eventType = Assert.Single(
            (await ManagementApi.GetAsync(alice, "/webhooks/event-types"))["data"]!.AsArray(),
            t => t!["name"]!.GetValue<string>() == "new-subscription")!;
        var declared = JsonNode.Parse("""{"username":"rick","monthlyFee":9.99,"startDate":"2026-03-01T00:00:00+00:00"}""");
        Assert.True(JsonNode.DeepEquals(declared, eventType["example"]), $"The Subscription's <example>, not {eventType["example"]}");
        using (var test = await alice.PostAsJsonAsync($"/webhooks/endpoints/{id}/test", new { eventType = "new-subscription" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
            // Its one delivery, to this endpoint, whether or not a dispatcher has made it yet.
            var delivery = Assert.Single(JsonNode.Parse(await test.Content.ReadAsStringAsync())!["deliveries"]!.AsArray());
            Assert.Equal(id, delivery!["endpointId"]!.GetValue<string>());
            Assert.Contains(delivery["status"]!.GetValue<string>(), new[] { "pending", "succeeded" });
        }

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count == 3), "the test event");
        var body = receiver.Lines[2].Split(' ', 3)[2];
        Assert.True(JsonNode.DeepEquals(eventType["example"], JsonNode.Parse(body)), $"the test event carries the example: {body}");
        await OpenApiValidator.AssertBodiesMatchAsync(await alice.GetStringAsync("/openapi/v1.json"), "new-subscription", "POST", [body]);
    }

    [Fact]
    public async Task Recover_SendsFailedDeliveriesAgain()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Sequence(TestReceiver.Status(500), TestReceiver.Status(500), TestReceiver.Status(204)));
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();

        await ManagementApi.SubscribeAsync(alice, "rick");
        var failed = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages?status=failed", m => m.Count == 1, "the delivery fails, retries used up"))!;
        Assert.Equal((id, "failed", 2), ManagementApi.Delivery(failed));

        using var recovered = await alice.PostAsJsonAsync($"/webhooks/endpoints/{id}/recover", new { since = DateTimeOffset.UtcNow.AddHours(-1) });

        Assert.Equal(HttpStatusCode.Accepted, recovered.StatusCode);
        Assert.Equal(1, (await ManagementApi.ReadAsync(recovered))["recovered"]!.GetValue<int>());
        var succeeded = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "the recovered delivery succeeds"))!;
        var attempts = await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 3, "three attempts logged");
        Assert.Equal((id, "succeeded", 3), ManagementApi.Delivery(succeeded)); // Counted as listed, the two before the recovery too.
        Assert.Equal([204, 500, 500], attempts.Select(a => a!["statusCode"]!.GetValue<int>()));
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task RotateSecret_BothSecretsSignDuringTheOverlap_OnlyTheNewOneAfter()
    {
        // From the real now: the sample signs with this clock's timestamps.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = await ManagementApi.RegisterAsync(alice, receiver.Url);
        var id = endpoint["id"]!.GetValue<string>();
        var old = endpoint["secret"]!.GetValue<string>();

        using var rotated = await alice.PostAsync($"/webhooks/endpoints/{id}/secret/rotate", null);
        var current = (await ManagementApi.ReadAsync(rotated))["secret"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(old, current);
        Assert.Equal(current, (await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}/secret"))["secret"]!.GetValue<string>());

        await ManagementApi.SubscribeAsync(alice, "during");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the delivery during the overlap");
        // Recorded before the clock jumps: else its lease would have run out by the fake clock, and it would be sent again.
        await ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "the delivery, recorded");
        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await ManagementApi.SubscribeAsync(alice, "after");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 2), "the delivery after the overlap");

        Assert.Equal(Signatures(receiver.Requests[0], current, old), receiver.Requests[0].Headers["webhook-signature"].Split(' '));
        Assert.Equal(Signatures(receiver.Requests[1], current), receiver.Requests[1].Headers["webhook-signature"].Split(' '));

        // Registered, read, rotated, signed with: the secrets were never logged, at any level.
        Assert.NotEmpty(sample.Logs.Messages);
        Assert.DoesNotContain(sample.Logs.Messages, m => m.Contains("whsec_", StringComparison.Ordinal) || m.Contains(old["whsec_".Length..], StringComparison.Ordinal) || m.Contains(current["whsec_".Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_ArePagedNewestFirst_AndFiltered()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            await ManagementApi.SubscribeAsync(alice, name);
        }

        var seen = new List<string>();
        var path = "/webhooks/messages?limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = await ManagementApi.GetAsync(alice, path);
            seen.AddRange(page["data"]!.AsArray().Select(m => m!["payload"]!["username"]!.GetValue<string>()));
            path = page["nextCursor"]?.GetValue<string>() is { } cursor ? $"/webhooks/messages?limit=2&cursor={cursor}" : null;
            pages++;
        }

        Assert.Equal(["e", "d", "c", "b", "a"], seen);
        Assert.Equal(3, pages);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Empty((await ManagementApi.GetAsync(alice, $"/webhooks/messages?since={future}"))["data"]!.AsArray());
        Assert.Equal(5, (await ManagementApi.GetAsync(alice, $"/webhooks/messages?until={future}&eventType=new-subscription"))["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Messages_FoundByMessageId_WithTheOtherFilters_AndNeverAnotherTenants()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        await ManagementApi.SubscribeAsync(alice, "rick");
        await ManagementApi.SubscribeAsync(alice, "morty");
        await ManagementApi.SubscribeAsync(bob, "summer");
        var rick = (await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray()[1]!;
        var id = rick["id"]!.GetValue<string>();
        async Task<IEnumerable<string>> UsernamesAsync(HttpClient client, string query) =>
            (await ManagementApi.GetAsync(client, $"/webhooks/messages?{query}"))["data"]!.AsArray()
            .Select(m => m!["payload"]!["username"]!.GetValue<string>());

        Assert.Equal(["rick"], await UsernamesAsync(alice, $"messageId={id}"));
        Assert.Equal(["rick"], await UsernamesAsync(alice, $"messageId={id}&eventType=new-subscription&limit=1"));
        Assert.Empty(await UsernamesAsync(alice, $"messageId={id}&eventType=subscription-changed"));
        Assert.Empty(await UsernamesAsync(alice, "messageId=msg_01M850S30WTYNBNKC0YYW92ZRX")); // Well formed, but none.
        Assert.Empty(await UsernamesAsync(bob, $"messageId={id}")); // Alice's: not found for bob, like one that does not exist.
        Assert.Equal(["summer"], await UsernamesAsync(bob, ""));
    }

    [Fact]
    public async Task Endpoints_ArePagedNewestFirst_EachOnce()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var registered = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            registered.Add((await ManagementApi.RegisterAsync(alice, $"http://127.0.0.1:9/{i}"))["id"]!.GetValue<string>());
        }

        var bobs = (await ManagementApi.RegisterAsync(bob, "http://127.0.0.1:9/bob"))["id"]!.GetValue<string>();

        var seen = new List<string>();
        var path = "/webhooks/endpoints?limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = await ManagementApi.GetAsync(alice, path);
            seen.AddRange(page["data"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
            path = page["nextCursor"]?.GetValue<string>() is { } cursor ? $"/webhooks/endpoints?limit=2&cursor={cursor}" : null;
            pages++;
        }

        Assert.Equal(Enumerable.Reverse(registered), seen);
        Assert.Equal(3, pages);
        var all = await ManagementApi.GetAsync(alice, "/webhooks/endpoints");
        Assert.Equal(5, all["data"]!.AsArray().Count);
        Assert.Null(all["nextCursor"]);
        Assert.Equal([bobs], (await ManagementApi.GetAsync(bob, "/webhooks/endpoints"))["data"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
    }

    private static string[] Signatures(ReceivedRequest request, params string[] secrets)
    {
        var timestamp = long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        return [.. secrets.Select(s => WebhookSigner.Sign(WebhookSecret.Parse(s), request.Headers["webhook-id"], timestamp, request.Body))];
    }
}
