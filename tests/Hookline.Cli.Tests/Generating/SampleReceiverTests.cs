using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Hookline.Cli.Generating;

namespace Hookline.Cli.Tests.Generating;

/// <summary>
/// The issue's "done when": a receiver generated from the running sample's <c>/openapi/v1.json</c>, compiled, registered over the sample's
/// management API, receives the sample's own deliveries of <c>new-subscription</c>, typed and verified.
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
        Assert.Equal(["ISubscriptionsWebhooks.cs", "Subscription.cs", "SubscriptionsWebhooksEndpointRouteBuilderExtensions.cs"], files.Written);

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

        using var subscribed = await alice.PostAsJsonAsync(
            "/subscriptions", new { username = "rick", monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00+00:00" });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);

        await Eventually.HoldsAsync(() => Task.FromResult(!receiver.Receiver.Calls.IsEmpty), "the sample's delivery reaches the generated receiver");
        var call = Assert.Single(receiver.Receiver.Calls);
        Assert.StartsWith("msg_", call.WebhookId, StringComparison.Ordinal);
        Assert.Equal("Acme.Subscriptions.Subscription", call.Payload.GetType().FullName);
        Assert.Equal("rick", Get<string>(call.Payload, "Username"));
        Assert.Equal(9.99, Get<double>(call.Payload, "MonthlyFee")); // the document says number/double
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), Get<DateTimeOffset>(call.Payload, "StartDate"));
        // The sample recorded the receiver's answer: 204, succeeded.
        await Eventually.HoldsAsync(
            async () => JsonNode.Parse(await alice.GetStringAsync("/webhooks/attempts"))!["data"]!.AsArray() is [{ } attempt]
                && attempt["statusCode"]!.GetValue<int>() == 204,
            "the sample logs the 204");
    }

    private static T Get<T>(object instance, string property) =>
        (T)instance.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(instance)!;
}
