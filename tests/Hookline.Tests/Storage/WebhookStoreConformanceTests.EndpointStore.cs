using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>What every <see cref="IWebhookEndpointStore"/> must do: create, read, list, page, compare-and-set update and delete endpoints; disabling or deleting one ends its pending deliveries.</summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task Endpoint_CreateGetListUpdateDelete_RoundTrips()
    {
        var endpoint = await CreateEndpointAsync("alice", ["new-subscription"]);
        await CreateEndpointAsync("bob");

        AssertSame(endpoint, await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal([endpoint.Id], (await Endpoints.ListEndpointsAsync("alice", default)).Select(e => e.Id));
        var changed = endpoint with { Url = "http://127.0.0.1:9/changed", Description = "changed", EventTypes = null, UpdatedAt = T0.AddMinutes(1) };
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(changed, default));
        AssertSame(changed with { Version = 2 }, await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.DeleteEndpointAsync(endpoint.Id, null, default));
        Assert.Null(await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Endpoints.DeleteEndpointAsync(endpoint.Id, null, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Endpoints.UpdateEndpointAsync(changed with { Version = 2 }, default));
    }

    [SkippableFact]
    public async Task CreateEndpoint_AtItsTenantsCap_IsRefusedAndStoresNothing()
    {
        var alices = new List<WebhookEndpoint>();
        for (var i = 0; i < 3; i++)
        {
            alices.Add(NewEndpoint("alice"));
            Assert.True(await Endpoints.CreateEndpointAsync(alices[^1], 3, default));
        }

        // A disabled endpoint counts too.
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(alices[0] with { Enabled = false }, default));
        var fourth = NewEndpoint("alice");
        Assert.False(await Endpoints.CreateEndpointAsync(fourth, 3, default));

        Assert.Null(await Endpoints.GetEndpointAsync(fourth.Id, default));
        Assert.Equal(3, (await Endpoints.ListEndpointsAsync("alice", default)).Count);
        Assert.True(await Endpoints.CreateEndpointAsync(NewEndpoint("bob"), 3, default)); // Each tenant has a cap of its own.
        Assert.True(await Endpoints.CreateEndpointAsync(NewEndpoint("alice"), null, default)); // No cap.
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.DeleteEndpointAsync(alices[1].Id, null, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.DeleteEndpointAsync(alices[2].Id, null, default));
        Assert.True(await Endpoints.CreateEndpointAsync(fourth, 3, default));
    }

    [SkippableFact]
    public async Task CreateEndpoint_ManyAtOnceNearTheCap_OnlyUpToTheCapAreStored()
    {
        await CreateEndpointAsync("alice");
        await CreateEndpointAsync("bob");

        var created = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => NewEndpoint("alice")).Select(
            e => Task.Run(() => Endpoints.CreateEndpointAsync(e, 5, default))));

        Assert.Equal(4, created.Count(c => c));
        Assert.Equal(5, (await Endpoints.ListEndpointsAsync("alice", default)).Count);
    }

    [SkippableFact]
    public async Task UpdateEndpoint_EachWrite_RaisesTheVersionByOne()
    {
        var endpoint = await CreateEndpointAsync("alice");
        Assert.Equal(1, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.Version);

        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint with { Description = "one" }, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint with { Description = "two", Version = 2 }, default));

        var stored = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((3L, "two"), (stored.Version, stored.Description));
    }

    [SkippableFact]
    public async Task UpdateEndpoint_StaleVersion_IsRefusedAndChangesNothing()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice")], default);
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint with { Description = "first" }, default));

        // Written from the version read before the first change: it would undo it.
        var stale = endpoint with { Description = "lost", Enabled = false, DisabledReason = "stale", Secrets = [] };
        Assert.Equal(WebhookEndpointWrite.Stale, await Endpoints.UpdateEndpointAsync(stale, default));
        Assert.Equal(WebhookEndpointWrite.Stale, await Endpoints.UpdateEndpointAsync(stale with { Version = 3 }, default));

        AssertSame(endpoint with { Description = "first", Version = 2 }, await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default)); // Its pending delivery did not fail.
    }

    [SkippableFact]
    public async Task DeleteEndpoint_AtAStaleVersion_IsRefused_AtTheCurrentOneDeletes()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Endpoints.UpdateEndpointAsync(endpoint with { Description = "changed" }, default);

        Assert.Equal(WebhookEndpointWrite.Stale, await Endpoints.DeleteEndpointAsync(endpoint.Id, 1, default));
        Assert.NotNull(await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.DeleteEndpointAsync(endpoint.Id, 2, default));
        Assert.Null(await Endpoints.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Endpoints.DeleteEndpointAsync(endpoint.Id, 2, default));
    }

    [SkippableFact]
    public async Task QueryEndpoints_PagesATenantsEndpointsNewestFirst()
    {
        var alices = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            alices.Add((await CreateEndpointAsync("alice")).Id);
            await CreateEndpointAsync("bob");
        }

        await CreateEndpointAsync(null);

        var first = await Endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = "alice", Limit = 2 }, default);
        var second = await Endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = "alice", Before = first[^1].Id, Limit = 2 }, default);
        var last = await Endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = "alice", Before = second[^1].Id, Limit = 2 }, default);

        Assert.Equal(alices.AsEnumerable().Reverse(), first.Concat(second).Concat(last).Select(e => e.Id));
        Assert.Single(last);
        Assert.All(first.Concat(second).Concat(last), e => Assert.Equal("alice", e.Tenant));
        Assert.Single(await Endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = null }, default));
        Assert.Empty(await Endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = "alice", Before = alices[0] }, default));
    }

    [SkippableFact]
    public async Task Update_Disable_FailsPendingDeliveries()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice")], default);

        await Endpoints.UpdateEndpointAsync(endpoint with { Enabled = false, DisabledReason = "by the tenant", UpdatedAt = T0 }, default);

        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddHours(1), T0.AddHours(2), 10), default));
    }

    [SkippableFact]
    public async Task Delete_Endpoint_RemovesItsDeliveries()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];

        await Endpoints.DeleteEndpointAsync(endpoint.Id, null, default);

        Assert.Empty(await Log.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddHours(1), T0.AddHours(2), 10), default));
    }
}
