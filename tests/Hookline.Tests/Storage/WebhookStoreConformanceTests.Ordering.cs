using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// Ordered delivery (<see cref="WebhookOrdering"/>): an ordered endpoint is leased, of each ordering key, only its oldest pending
/// delivery in publish order, and none of a key while one is in flight, waits for a retry, is blocked, or a message before it
/// waits to be expanded.
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    private static WebhookLeaseRequest OrderedLease(int seconds, params WebhookCompletedAttempt[] completed) =>
        new("w", T0.AddSeconds(seconds), T0.AddSeconds(seconds + 30), 10) { MaxPerEndpoint = 8, Completed = completed };

    [SkippableFact]
    public async Task Lease_OrderedEndpoint_OneAtATimePerKeyInPublishOrder()
    {
        await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        // Publish order, not due time, orders a key: a1 was published first, though a2 and a3 are due earlier.
        var a1 = Message("alice", at: T0.AddMilliseconds(3), orderingKey: "a");
        var a2 = Message("alice", at: T0.AddMilliseconds(1), orderingKey: "a");
        var b1 = Message("alice", at: T0.AddMilliseconds(2), orderingKey: "b");
        var a3 = Message("alice", at: T0, orderingKey: "a");
        await AppendExpandedAsync([a1, a2, b1], default);
        await AppendExpandedAsync([a3], default);

        var first = await Queue.LeaseAsync(OrderedLease(1), default);
        Assert.Equal(new[] { a1.Id, b1.Id }.Order(), first.Select(d => d.MessageId).Order());
        Assert.Empty(await Queue.LeaseAsync(OrderedLease(2), default));

        var done = first.Select(d => Result(d, "w", WebhookDeliveryStatus.Succeeded, 200)).ToArray();
        Assert.Equal([a2.Id], (await Queue.LeaseAsync(OrderedLease(3, done), default)).Select(d => d.MessageId));
    }

    [SkippableFact]
    public async Task Lease_OrderedEndpoint_ARetryHoldsBackItsKeyOnly()
    {
        await CreateEndpointAsync("alice", ordering: WebhookOrdering.OrderedSkipFailures);
        var messages = await AppendExpandedAsync(
            [Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a"), Message("alice", orderingKey: "b")], default);
        var first = await Queue.LeaseAsync(OrderedLease(1), default);
        var (a1, b1) = (first.Single(d => d.MessageId == messages[0].MessageId), first.Single(d => d.MessageId == messages[2].MessageId));

        var retry = Result(a1, "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddSeconds(60));
        Assert.Empty(await Queue.LeaseAsync(OrderedLease(2, retry, Result(b1, "w", WebhookDeliveryStatus.Succeeded, 200)), default));

        Assert.Equal([messages[0].MessageId], (await Queue.LeaseAsync(OrderedLease(60), default)).Select(d => d.MessageId));
    }

    [SkippableFact]
    public async Task Lease_OrderedEndpoint_MessagesWithoutAKeyAreOneSequence()
    {
        await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        var messages = await AppendExpandedAsync([Message("alice"), Message("alice"), Message("alice", orderingKey: "a")], default);

        var leased = await Queue.LeaseAsync(OrderedLease(1), default);

        Assert.Equal(new[] { messages[0].MessageId, messages[2].MessageId }.Order(), leased.Select(d => d.MessageId).Order());
    }

    [SkippableFact]
    public async Task Complete_BlockedDelivery_HoldsBackItsKeyUntilSkipped()
    {
        var endpoint = await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        var messages = await AppendExpandedAsync([Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a")], default);
        var head = Assert.Single(await Queue.LeaseAsync(OrderedLease(1), default));

        var blocked = await Queue.LeaseAsync(OrderedLease(2, Result(head, "w", WebhookDeliveryStatus.Blocked, 503)), default);
        Assert.Empty(blocked);
        Assert.Null(blocked.NextDueAt); // Nothing to poll for: only a skip or a resend moves the key.
        Assert.Equal(WebhookDeliveryStatus.Blocked, (await Log.ListDeliveriesAsync(head.MessageId, default)).Single().Status);
        Assert.False(await Queue.SkipAsync(messages[1].MessageId, endpoint.Id, T0.AddSeconds(3), default)); // Not blocked.

        Assert.True(await Queue.SkipAsync(head.MessageId, endpoint.Id, T0.AddSeconds(3), default));

        Assert.Equal(WebhookDeliveryStatus.Failed, (await Log.ListDeliveriesAsync(head.MessageId, default)).Single().Status);
        Assert.Equal([messages[1].MessageId], (await Queue.LeaseAsync(OrderedLease(3), default)).Select(d => d.MessageId));
        Assert.False(await Queue.SkipAsync(head.MessageId, endpoint.Id, T0.AddSeconds(4), default));
    }

    [SkippableFact]
    public async Task Resend_BlockedDelivery_GoesAgainBeforeTheRestOfItsKey()
    {
        var endpoint = await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        var messages = await AppendExpandedAsync([Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a")], default);
        var head = Assert.Single(await Queue.LeaseAsync(OrderedLease(1), default));
        await Queue.CompleteAsync([Result(head, "w", WebhookDeliveryStatus.Blocked, 503)], T0.AddSeconds(2), default);

        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(head.MessageId, endpoint.Id, T0.AddSeconds(3), default));

        var again = Assert.Single(await Queue.LeaseAsync(OrderedLease(3), default));
        Assert.Equal((messages[0].MessageId, 0), (again.MessageId, again.Attempts));
    }

    [SkippableFact]
    public async Task Recover_BlockedDeliveries_ArePendingAgain()
    {
        var endpoint = await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        await AppendExpandedAsync([Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a")], default);
        var head = Assert.Single(await Queue.LeaseAsync(OrderedLease(1), default));
        await Queue.CompleteAsync([Result(head, "w", WebhookDeliveryStatus.Blocked, 503)], T0.AddSeconds(2), default);

        Assert.Equal(1, await Queue.RecoverAsync(endpoint.Id, T0, T0.AddSeconds(3), default));

        Assert.Equal(head.MessageId, Assert.Single(await Queue.LeaseAsync(OrderedLease(3), default)).MessageId);
    }

    [SkippableFact]
    public async Task Lease_OrderedEndpoint_WaitsForAnEarlierMessageOfItsKeyStillToBeExpanded()
    {
        await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        // Published first but created later (clocks of instances differ): expanded second when one message is expanded at a time.
        var first = Message("alice", at: T0.AddSeconds(1), orderingKey: "a");
        var second = Message("alice", at: T0, orderingKey: "a");
        await Messages.AppendAsync([first, second], default);
        Assert.Equal(1, await Queue.ExpandAsync(T0, 1, default));

        Assert.Empty(await Queue.LeaseAsync(OrderedLease(2), default));

        Assert.Equal(1, await Queue.ExpandAsync(T0.AddSeconds(2), 1, default));
        Assert.Equal([first.Id], (await Queue.LeaseAsync(OrderedLease(3), default)).Select(d => d.MessageId));
    }

    [SkippableFact]
    public async Task UpdateEndpoint_OrderingTurnedOff_FailsItsBlockedDeliveriesAndSendsTheRestAtOnce()
    {
        var endpoint = await CreateEndpointAsync("alice", ordering: WebhookOrdering.Ordered);
        var messages = await AppendExpandedAsync(
            [Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a"), Message("alice", orderingKey: "a")], default);
        var head = Assert.Single(await Queue.LeaseAsync(OrderedLease(1), default));
        await Queue.CompleteAsync([Result(head, "w", WebhookDeliveryStatus.Blocked, 503)], T0.AddSeconds(2), default);
        Assert.Empty(await Queue.LeaseAsync(OrderedLease(2), default));

        var stored = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal(WebhookOrdering.Ordered, stored.Ordering);
        Assert.Equal(
            WebhookEndpointWrite.Written,
            await Endpoints.UpdateEndpointAsync(
                // Its circuit closed too (the block was a failure), so that both may go at once.
                stored with { Ordering = WebhookOrdering.None, ConsecutiveFailures = 0, UpdatedAt = T0.AddSeconds(3) },
                default));

        Assert.Equal(WebhookDeliveryStatus.Failed, (await Log.ListDeliveriesAsync(head.MessageId, default)).Single().Status);
        var rest = await Queue.LeaseAsync(OrderedLease(3), default);
        Assert.Equal(new[] { messages[1].MessageId, messages[2].MessageId }.Order(), rest.Select(d => d.MessageId).Order());
        Assert.All(rest, d => Assert.Equal(WebhookOrdering.None, d.Ordering));
    }
}
