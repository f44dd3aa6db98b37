using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>Payload filters through the management API, on the sample: checked against the payload schema, applied at fan-out.</summary>
public sealed class ManagementFiltersTests
{
    [Fact]
    public async Task Register_WithAFilter_ReceivesOnlyMatchingPayloads()
    {
        await using var sample = SampleFactory.Development();
        await using var receiver = await TestReceiver.StartAsync();
        using var alice = sample.Client(SampleFactory.AliceKey);
        const string Filter = "username in [\"rick\", \"summer\"] and monthlyFee > 5";
        using var created = await alice.PostAsJsonAsync(
            "/webhooks/endpoints", new { url = receiver.Url, filters = new Dictionary<string, string> { ["new-subscription"] = Filter } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await ManagementApi.ReadAsync(created);
        Assert.Equal(Filter, endpoint["filters"]!["new-subscription"]!.GetValue<string>());

        foreach (var username in new[] { "morty", "rick", "jerry", "summer" })
        {
            await ManagementApi.SubscribeAsync(alice, username);
        }

        // Each message is in the log, with a delivery only where the filter matched.
        var messages = await ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages", m => m.Count == 4, "four messages");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 2), "two deliveries");
        var received = receiver.Requests.Select(r => JsonNode.Parse(r.Body)!["username"]!.GetValue<string>()).Order();
        Assert.Equal(["rick", "summer"], received);
        var deliveries = new List<int>();
        foreach (var message in messages)
        {
            var read = await ManagementApi.GetAsync(alice, $"/webhooks/messages/{message!["id"]!.GetValue<string>()}");
            deliveries.Add(read["deliveries"]!.AsArray().Count);
        }

        Assert.Equal([0, 0, 1, 1], deliveries.Order());
    }

    [Fact]
    public async Task Register_FilterNamingAnUnknownField_IsRefusedWithTheFieldsThereAre()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);

        using var response = await alice.PostAsJsonAsync(
            "/webhooks/endpoints",
            new { url = "http://127.0.0.1:9/hook", filters = new Dictionary<string, string> { ["new-subscription"] = "usrname == \"rick\"" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ManagementApi.ReadAsync(response);
        Assert.Equal(
            "The filter for 'new-subscription' would never match as written: The payload has no field 'usrname' (in 'usrname'); "
            + "its fields are: monthlyFee, startDate, username.",
            problem["errors"]!["filters.new-subscription"]![0]!.GetValue<string>());
        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray());
    }
}
