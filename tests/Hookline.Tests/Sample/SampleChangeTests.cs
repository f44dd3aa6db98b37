using System.Net;
using Hookline.Tests.Management;

namespace Hookline.Tests.Sample;

/// <summary>
/// <c>PUT /subscriptions/{username}</c>: a fee change, stored and published as <c>subscription-changed</c> in one transaction.
/// </summary>
public sealed class SampleChangeTests
{
    [Fact]
    public async Task PutSubscription_ChangesTheFee_AndSendsTheSubscriptionAsItNowIs()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url, ["subscription-changed"]);
        await ManagementApi.SubscribeAsync(alice, "rick");

        using var response = await alice.PutAsJsonAsync("/subscriptions/rick", new { monthlyFee = 12.5m });

        const string Changed = """{"username":"rick","monthlyFee":12.5,"startDate":"2026-11-23T10:00:00+00:00"}""";
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Changed, await response.Content.ReadAsStringAsync());
        Assert.Equal(12.5m, (await ManagementApi.GetAsync(alice, "/subscriptions"))[0]!["monthlyFee"]!.GetValue<decimal>());
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the change's delivery");
        var request = Assert.Single(receiver.Requests);
        Assert.Equal((Changed, "/hook"), (System.Text.Encoding.UTF8.GetString(request.Body), request.Path));
        var message = Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray(), m => m!["id"]!
            .GetValue<string>() == request.Headers["webhook-id"]);
        Assert.Equal("subscription-changed", message!["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutSubscription_BadInput_IsAProblemAndChangesAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url, ["subscription-changed"]);
        await ManagementApi.SubscribeAsync(alice, "rick");

        var unknown = await alice.PutAsJsonAsync("/subscriptions/morty", new { monthlyFee = 1 });
        var othersTenant = await bob.PutAsJsonAsync("/subscriptions/rick", new { monthlyFee = 1 });
        var noFee = await alice.PutAsJsonAsync("/subscriptions/rick", new { });
        var malformed = await alice.PutAsync(
            "/subscriptions/rick", new StringContent("{\"monthlyFee\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(
            [(HttpStatusCode.NotFound, "application/problem+json"), (HttpStatusCode.NotFound, "application/problem+json"),
             (HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json")],
            new[] { unknown, othersTenant, noFee, malformed }.Select(r => (r.StatusCode, r.Content.Headers.ContentType?.MediaType)));
        Assert.Equal("morty is not subscribed.", (await ManagementApi.ReadAsync(unknown))["detail"]!.GetValue<string>());
        Assert.Equal(9.99m, (await ManagementApi.GetAsync(alice, "/subscriptions"))[0]!["monthlyFee"]!.GetValue<decimal>());
        await sample.NothingPendingAsync();
        Assert.Empty(receiver.Requests);
        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/messages?eventType=subscription-changed"))["data"]!.AsArray());
    }
}
