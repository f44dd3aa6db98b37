using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Hookline.Cli.Generating;

namespace Hookline.Cli.Tests.Generating;

/// <summary>
/// The issue's "done when": a receiver generated from the running sample's <c>/openapi/v1.json</c>, compiled, registered over the sample's
/// management API, receives the sample's own deliveries of <c>new-subscription</c>, typed and verified; its <c>decimal</c> fees exact
/// from the sender through the document to the generated receiver.
/// </summary>
public sealed class SampleReceiverTests
{
    [Fact]
    public async Task GeneratedFromTheSamplesDocument_ReceivesTheSamplesDeliveriesTypedAndEqual()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var alice = sample.Alice();
        using var folder = Fixtures.NewFolder();
        using var http = new HttpClient();

        var (model, files) = await ReceiverGenerator.GenerateAsync(
            $"{sample.Url}/openapi/v1.json", "Acme.Subscriptions", folder.Path, null, http, default);
        Assert.Equal("Subscriptions", model.Name);
        Assert.Equal(["new-subscription", "subscription-changed"], model.Webhooks.Select(w => w.Name));
        Assert.Equal(
            [
                "ISubscriptionsWebhooks.cs", "Subscription.cs", "SubscriptionsWebhooksEndpointRouteBuilderExtensions.cs",
                "SubscriptionsWebhooksJson.cs",
            ],
            files.Written);
        var documented = JsonNode.Parse(await http.GetStringAsync($"{sample.Url}/openapi/v1.json"))!["components"]!["schemas"]!["Subscription"]!
            ["properties"]!["monthlyFee"]!;
        Assert.Equal(("number", "decimal"), (documented["type"]!.GetValue<string>(), documented["format"]!.GetValue<string>()));

        // The secret comes with the registration; the receiver needs it to start; then the URL points at the receiver.
        using var registered = await alice.PostAsJsonAsync(
            "/webhooks/endpoints", new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "new-subscription" } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var endpoint = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!;
        await using var receiver = await GeneratedReceiverApp.StartAsync(
            GeneratedCode.CompileFolder(folder.Path), "Acme.Subscriptions", "Subscriptions", endpoint["secret"]!.GetValue<string>());
        using var moved = await alice.PutAsJsonAsync(
            $"/webhooks/endpoints/{endpoint["id"]}", new { url = $"{receiver.BaseUrl}/hooks/new-subscription" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        // Fees a double would change: 0.1 has no exact binary form, decimal.MaxValue has 29 digits.
        (string User, string Fee)[] subscriptions = [("rick", "9.99"), ("morty", "0.1"), ("summer", "79228162514264337593543950335")];
        foreach (var (user, fee) in subscriptions)
        {
            using var body = new StringContent(
                $$"""{"username":"{{user}}","monthlyFee":{{fee}},"startDate":"2026-11-23T10:00:00+00:00"}""",
                System.Text.Encoding.UTF8,
                "application/json");
            using var subscribed = await alice.PostAsync("/subscriptions", body);
            Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(receiver.Receiver.Calls.Count == subscriptions.Length), "the sample's deliveries reach the generated receiver");
        var calls = receiver.Receiver.Calls.ToDictionary(c => Get<string>(c.Payload, "Username"));
        Assert.All(calls.Values, call =>
        {
            Assert.StartsWith("msg_", call.WebhookId, StringComparison.Ordinal);
            Assert.Equal("Acme.Subscriptions.Subscription", call.Payload.GetType().FullName);
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), Get<DateTimeOffset>(call.Payload, "StartDate"));
        });
        Assert.Equal(
            subscriptions.Select(s => (s.User, decimal.Parse(s.Fee, System.Globalization.CultureInfo.InvariantCulture))),
            subscriptions.Select(s => (s.User, Get<decimal>(calls[s.User].Payload, "MonthlyFee"))));
        // The sample recorded the receiver's answers: 204, succeeded.
        await Eventually.HoldsAsync(
            async () => JsonNode.Parse(await alice.GetStringAsync("/webhooks/attempts"))!["data"]!.AsArray() is { Count: 3 } attempts
                && attempts.All(a => a!["statusCode"]!.GetValue<int>() == 204),
            "the sample logs the 204s");
    }

    private static T Get<T>(object instance, string property) =>
        (T)instance.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(instance)!;
}
