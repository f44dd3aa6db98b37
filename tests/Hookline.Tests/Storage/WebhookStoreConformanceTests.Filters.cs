using System.Text;
using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// Payload filters at fan-out: an endpoint with a filter for a message's webhook gets a delivery only when the payload matches;
/// its other webhooks, and endpoints without filters, are fanned out as always.
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task Expand_EndpointWithAFilter_GetsOnlyMatchingPayloads()
    {
        var pro = await FilteredEndpointAsync("new-subscription", "plan == \"pro\" and seats >= 2");
        var all = (await CreateEndpointAsync("alice")).Id;
        var otherWebhook = await FilteredEndpointAsync("cancelled-subscription", "plan == \"none\"");
        WebhookNewMessage Payload(string json) =>
            new($"msg_{Interlocked.Increment(ref _ids):D4}", "new-subscription", "POST", "alice", Encoding.UTF8.GetBytes(json), T0, null, null, null);
        var matching = Payload("""{"plan":"pro","seats":3}""");
        var tooFew = Payload("""{"plan":"pro","seats":1}""");
        var free = Payload("""{"plan":"free","seats":9}""");
        var bare = Payload("""{}""");

        await Messages.AppendAsync([matching, tooFew, free, bare], default);
        Assert.Equal(4, await Queue.ExpandAsync(T0, 10, default));

        async Task<string[]> EndpointsOf(WebhookNewMessage message) =>
            [.. (await Log.ListDeliveriesAsync(message.Id, default)).Select(d => d.EndpointId).Order(StringComparer.Ordinal)];
        Assert.Equal(new[] { pro, all, otherWebhook }.Order(StringComparer.Ordinal), await EndpointsOf(matching));
        foreach (var message in new[] { tooFew, free, bare })
        {
            Assert.Equal(new[] { all, otherWebhook }.Order(StringComparer.Ordinal), await EndpointsOf(message));
        }

        // The filtered endpoint's delivery is leased like any other: its endpoint was made due.
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddMinutes(1), 100), default);
        Assert.Single(leased, d => d.EndpointId == pro);
    }

    [SkippableFact]
    public async Task Expand_FilteredFanOut_EachEndpointItsOwnFilter()
    {
        var ids = new List<string>();
        for (var seats = 1; seats <= 5; seats++)
        {
            ids.Add(await FilteredEndpointAsync("new-subscription", $"seats >= {seats}"));
        }

        var message = new WebhookNewMessage("msg_filtered", "new-subscription", "POST", "alice", """{"seats":3}"""u8.ToArray(), T0, null, null, null);
        await Messages.AppendAsync([message], default);
        await Queue.ExpandAsync(T0, 10, default);

        var reached = (await Log.ListDeliveriesAsync(message.Id, default)).Select(d => d.EndpointId).Order(StringComparer.Ordinal);
        Assert.Equal(ids.Take(3).Order(StringComparer.Ordinal), reached);
    }

    [SkippableFact]
    public async Task Endpoint_Filters_RoundTrip()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var filters = new Dictionary<string, string> { ["new-subscription"] = "name == \"\\u00e9t\u00e9 \\\"q\\\"\" or exists(a.b)" };

        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint with { Filters = filters }, default));

        Assert.Equal(filters, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.Filters);
        Assert.Null((await Endpoints.GetEndpointAsync((await CreateEndpointAsync("bob")).Id, default))!.Filters);
    }

    /// <summary>A new endpoint of alice's with a filter for one webhook: its id.</summary>
    private async Task<string> FilteredEndpointAsync(string webhook, string filter)
    {
        var endpoint = await CreateEndpointAsync("alice") with { Filters = new Dictionary<string, string> { [webhook] = filter } };
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint, default));
        return endpoint.Id;
    }
}
