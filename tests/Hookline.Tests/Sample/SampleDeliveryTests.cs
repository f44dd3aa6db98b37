using System.Net;
using System.Text.Json.Nodes;
using Hookline.Tests.Management;

namespace Hookline.Tests.Sample;

/// <summary>The README's walkthrough: the sample in Development, a URL registered over its API, the Node receiver verifying with the official library.</summary>
public sealed class SampleDeliveryTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task PostSubscription_DeliversASignedWebhookThatVerifiesAndMatchesTheDocument()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var (_, receiver) = await ManagementApi.RegisterNodeReceiverAsync(alice, ["new-subscription"]);
        await using var stop = receiver;

        await ManagementApi.SubscribeAsync(alice, "rick");
        await ManagementApi.SubscribeAsync(alice, "morty");

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count >= 2), "the receiver gets both deliveries");
        var lines = receiver.Lines;
        Assert.All(lines, line => Assert.StartsWith("verified msg_", line));
        var bodies = lines.Select(line => line.Split(' ', 3)[2]).ToList();
        Assert.Contains("""{"username":"rick","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""", bodies);
        await OpenApiValidator.AssertBodiesMatchAsync(await alice.GetStringAsync("/openapi/v1.json"), "new-subscription", "POST", bodies);
    }

    [Fact]
    public async Task PostSubscription_IsRecordedInTheDeliveryLog()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);

        await ManagementApi.SubscribeAsync(alice, "summer");

        var attempt = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the attempt is logged"));
        Assert.Equal((204, true, receiver.Requests[0].Headers["webhook-id"]), (attempt!["statusCode"]!.GetValue<int>(), attempt["succeeded"]!.GetValue<bool>(), attempt["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PostSubscription_BadInput_IsAProblemAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var anonymous = sample.Client(null);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        await ManagementApi.SubscribeAsync(alice, "rick");

        var duplicate = await alice.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var empty = await alice.PostAsJsonAsync("/subscriptions", new { username = " ", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var malformed = await alice.PostAsync("/subscriptions", new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"));
        var signedOut = await anonymous.PostAsJsonAsync("/subscriptions", new { username = "jerry", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });

        Assert.Equal(
            [(HttpStatusCode.Conflict, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.Unauthorized, "application/problem+json")],
            new[] { duplicate, empty, malformed, signedOut }.Select(r => (r.StatusCode, r.Content.Headers.ContentType?.MediaType)));
        Assert.NotNull(JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["errors"]!["username"]);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first subscription's delivery");
        await sample.NothingPendingAsync(); // Anything the bad requests had published has arrived by now too.
        Assert.Single(receiver.Requests);
    }
}
