using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>
/// Ordered delivery through the management API: an endpoint's <c>ordering</c>, blocked deliveries in the log, and skipping them.
/// The sample publishes without an ordering key, so its messages are one sequence at an ordered endpoint.
/// </summary>
public sealed class ManagementOrderingTests
{
    [Fact]
    public async Task Ordering_IsSetOnRegistration_ReadBack_Replaced_AndNoneWhenLeftOut()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);

        using var created = await alice.PostAsJsonAsync(
            "/webhooks/endpoints", new { url = "http://127.0.0.1:9/hook", ordering = "orderedSkipFailures" });
        var endpoint = await ManagementApi.ReadAsync(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("orderedSkipFailures", Ordering(endpoint));
        var id = endpoint["id"]!.GetValue<string>();
        Assert.Equal("orderedSkipFailures", Ordering(await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}")));
        Assert.Equal(
            ["orderedSkipFailures"], (await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray().Select(e => Ordering(e!)));

        using (var replaced = await alice.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { url = "http://127.0.0.1:9/hook", ordering = "ordered" }))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
            Assert.Equal("ordered", Ordering(await ManagementApi.ReadAsync(replaced)));
        }

        Assert.Equal("ordered", Ordering(await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}")));

        // Left out of a replacement, like the rate limit: none.
        Assert.Equal("none", Ordering(await ManagementApi.SetUrlAsync(alice, id, "http://127.0.0.1:9/other")));
        Assert.Equal("none", Ordering(await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}")));
        Assert.Equal("none", Ordering(await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/plain")));
    }

    [Fact]
    public async Task Ordered_AFailedDeliveryBlocksTheNext_UntilSkipped_AndOnlyABlockedOneCanBeSkipped()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.FailingTheFirstMessage());
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = await RegisterAsync(alice, receiver.Url, "ordered");

        await ManagementApi.SubscribeAsync(alice, "rick");
        await ManagementApi.SubscribeAsync(alice, "morty");
        var blocked = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=blocked", m => m.Count == 1, "rick's delivery blocked, its retries used up"))!;
        var rick = blocked["id"]!.GetValue<string>();
        Assert.Equal("rick", blocked["payload"]!["username"]!.GetValue<string>());
        Assert.Equal((id, "blocked", 2), ManagementApi.Delivery(blocked));
        var waiting = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=pending", m => m.Count == 1, "morty's delivery, held back"))!;
        var morty = waiting["id"]!.GetValue<string>();
        Assert.Equal((id, "pending", 0), ManagementApi.Delivery(waiting));
        Assert.All(receiver.Requests, request => Assert.Equal(rick, request.Headers["webhook-id"]));

        // Morty's delivery waits, but is not blocked: it cannot be skipped.
        await AssertConflictAsync(alice, $"/webhooks/endpoints/{id}/messages/{morty}/skip", "only a blocked delivery can be skipped");

        using (var skipped = await alice.PostAsync($"/webhooks/endpoints/{id}/messages/{rick}/skip", null))
        {
            var message = await ManagementApi.ReadAsync(skipped);
            Assert.True(skipped.StatusCode == HttpStatusCode.OK, $"{(int)skipped.StatusCode} {message.ToJsonString()}");
            Assert.Equal(rick, message["id"]!.GetValue<string>());
            Assert.Equal((id, "failed", 2), ManagementApi.Delivery(message));
        }

        var delivered = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "morty's delivery, sent once rick's was skipped"))!;
        Assert.Equal((morty, (id, "succeeded", 1)), (delivered["id"]!.GetValue<string>(), ManagementApi.Delivery(delivered)));
        Assert.Equal([rick, rick, morty], receiver.Requests.Select(r => r.Headers["webhook-id"]));

        // Skipped, it failed: a resend, not a skip, sends it again.
        await AssertConflictAsync(alice, $"/webhooks/endpoints/{id}/messages/{rick}/skip", "Resend it");
    }

    [Fact]
    public async Task OrderedSkipFailures_AFailedDeliveryFails_AndTheNextGoesAfterIt()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.FailingTheFirstMessage());
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = await RegisterAsync(alice, receiver.Url, "orderedSkipFailures");

        await ManagementApi.SubscribeAsync(alice, "rick");
        await ManagementApi.SubscribeAsync(alice, "morty");
        var delivered = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "morty's delivery, after rick's failed"))!;

        var failed = Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/messages?status=failed"))["data"]!.AsArray())!;
        Assert.Equal((id, "failed", 2), ManagementApi.Delivery(failed));
        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/messages?status=blocked"))["data"]!.AsArray());
        var (rick, morty) = (failed["id"]!.GetValue<string>(), delivered["id"]!.GetValue<string>());
        Assert.Equal([rick, rick, morty], receiver.Requests.Select(r => r.Headers["webhook-id"]));
    }

    private static string Ordering(JsonNode endpoint) => endpoint["ordering"]!.GetValue<string>();

    private static async Task<string> RegisterAsync(HttpClient client, string url, string ordering)
    {
        using var response = await client.PostAsJsonAsync("/webhooks/endpoints", new { url, ordering });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ManagementApi.ReadAsync(response))["id"]!.GetValue<string>();
    }

    private static async Task AssertConflictAsync(HttpClient client, string path, string detail)
    {
        using var response = await client.PostAsync(path, null);
        var problem = await ManagementApi.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode} {problem.ToJsonString()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]?["messageId"]);
        Assert.Contains(detail, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
