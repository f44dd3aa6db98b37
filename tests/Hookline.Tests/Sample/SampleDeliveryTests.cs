using System.Net;
using System.Text.Json.Nodes;
using Hookline.Storage;

namespace Hookline.Tests.Sample;

/// <summary>The README's walkthrough: the sample in Development, the Node receiver verifying with the official library.</summary>
public sealed class SampleDeliveryTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task PostSubscription_DeliversASignedWebhookThatVerifiesAndMatchesTheDocument()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await NodeReceiver.StartAsync(secret);
        await using var sample = SampleFactory.Development(receiver.Url, secret);
        using var client = sample.CreateClient();

        var created = await client.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00+00:00" });
        var alsoCreated = await client.PostAsJsonAsync("/subscriptions", new { username = "morty", monthlyFee = 0, startDate = "2026-12-01T00:00:00Z" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (created.StatusCode, alsoCreated.StatusCode));
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count >= 2), "the receiver gets both deliveries");
        var lines = receiver.Lines;
        Assert.All(lines, line => Assert.StartsWith("verified msg_", line));
        var bodies = lines.Select(line => line.Split(' ', 3)[2]).ToList();
        Assert.Contains("""{"username":"rick","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""", bodies);
        await OpenApiValidator.AssertBodiesMatchAsync(await client.GetStringAsync("/openapi/v1.json"), "new-subscription", "POST", bodies);
    }

    [Fact]
    public async Task PostSubscription_IsRecordedInTheDeliveryLog()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development(receiver.Url, WebhookSecret.Generate());
        using var client = sample.CreateClient();

        var created = await client.PostAsJsonAsync("/subscriptions", new { username = "summer", monthlyFee = 5, startDate = "2026-11-23T10:00:00Z" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the receiver gets the delivery");
        var messageId = receiver.Requests[0].Headers["webhook-id"];
        var store = sample.Services.GetRequiredService<IWebhookStore>();
        var attempt = Assert.Single(await Eventually.ReadsAsync(() => store.ListAttemptsAsync(messageId, default), a => a.Count == 1, "the attempt is recorded"));
        Assert.Equal(204, attempt.StatusCode);
    }

    [Fact]
    public async Task PostSubscription_BadInput_IsAProblemAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development(receiver.Url, WebhookSecret.Generate());
        using var client = sample.CreateClient();
        await client.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });

        var duplicate = await client.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var empty = await client.PostAsJsonAsync("/subscriptions", new { username = " ", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var malformed = await client.PostAsync("/subscriptions", new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(
            [(HttpStatusCode.Conflict, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json")],
            new[] { duplicate, empty, malformed }.Select(r => (r.StatusCode, r.Content.Headers.ContentType?.MediaType)));
        Assert.NotNull(JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["errors"]!["username"]);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first subscription's delivery");
        await Task.Delay(300);
        Assert.Single(receiver.Requests);
    }
}
