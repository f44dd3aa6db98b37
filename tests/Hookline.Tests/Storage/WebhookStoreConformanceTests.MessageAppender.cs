using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>What every <see cref="IWebhookMessageAppender"/> must do: append messages all or nothing, each with a delivery to every enabled endpoint it matches, once per idempotency key.</summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task Append_FansOutToTheTenantsEnabledMatchingEndpoints()
    {
        var all = await CreateEndpointAsync("alice");
        var matching = await CreateEndpointAsync("alice", ["new-subscription"]);
        await CreateEndpointAsync("alice", ["invoice.paid"]);
        await CreateEndpointAsync("bob");
        var disabled = await CreateEndpointAsync("alice");
        await Endpoints.UpdateEndpointAsync(disabled with { Enabled = false, DisabledReason = "test" }, default);

        var stored = Assert.Single(await Messages.AppendAsync([Message("alice")], default));

        Assert.Equal(2, stored.Deliveries);
        Assert.False(stored.IsRepeat);
        var deliveries = await Log.ListDeliveriesAsync(stored.MessageId, default);
        Assert.Equal(new[] { all.Id, matching.Id }.Order(), deliveries.Select(d => d.EndpointId).Order());
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Pending, 0, T0), (d.Status, d.Attempts, d.NextAttemptAt)));
    }

    [SkippableFact]
    public async Task Append_NoTenant_GoesToEveryTenant()
    {
        await CreateEndpointAsync("alice");
        await CreateEndpointAsync("bob");

        var stored = Assert.Single(await Messages.AppendAsync([Message(tenant: null)], default));

        Assert.Equal(2, stored.Deliveries);
    }

    [SkippableFact]
    public async Task Append_RepeatedIdempotencyKey_ReturnsTheFirstAndStoresNothing()
    {
        await CreateEndpointAsync("alice");
        var first = (await Messages.AppendAsync([Message("alice", key: "k1")], default))[0];

        var results = await Messages.AppendAsync([Message("alice", key: "k1"), Message("bob", key: "k1"), Message("alice", key: "k1")], default);

        Assert.Equal(new StoredMessage(first.MessageId, 0, true), results[0]);
        Assert.False(results[1].IsRepeat);
        Assert.Equal(new StoredMessage(first.MessageId, 0, true), results[2]);
        Assert.Single(await Log.ListDeliveriesAsync(first.MessageId, default));
    }

    [SkippableFact]
    public async Task Append_BatchWithAFailure_StoresNothing()
    {
        await CreateEndpointAsync("alice");
        var duplicate = Message("alice");

        await Assert.ThrowsAnyAsync<Exception>(() => Messages.AppendAsync([Message("alice"), duplicate, duplicate], default));

        Assert.Equal(0, (await Queue.GetBacklogAsync(T0, default)).Pending);
    }
}
