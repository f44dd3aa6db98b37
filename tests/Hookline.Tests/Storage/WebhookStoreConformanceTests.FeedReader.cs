using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// What every <see cref="IWebhookFeedReader"/> must do: read a polling endpoint's messages in an order that a reader holding only a
/// position walks once, never skipping one, whatever commits when; and what the other roles do with polling endpoints (store them
/// without a URL, never make them deliveries).
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    protected IWebhookFeedReader Feed => Store;

    /// <summary>
    /// Waits until what was committed before the call is readable from a feed: at once on a store whose transactions commit in the
    /// order they write; on one that reads only below the oldest transaction still writing (PostgreSQL), until the transactions
    /// that had begun writing have ended, the test's own and others' on the same server.
    /// </summary>
    protected virtual Task SettleAsync() => Task.CompletedTask;

    /// <summary>Reads a feed once what was committed before is readable.</summary>
    private async Task<WebhookFeedResult> ReadSettledAsync(WebhookFeedQuery query)
    {
        await SettleAsync();
        return await Feed.ReadFeedAsync(query, default);
    }

    [SkippableFact]
    public async Task CreateEndpoint_Polling_IsReadBackWithoutAUrl()
    {
        var endpoint = await CreatePollingEndpointAsync("alice", ["new-subscription"]);

        var read = await Endpoints.GetEndpointAsync(endpoint.Id, default);

        AssertSame(endpoint, read);
        Assert.True(read!.IsPolling);
        Assert.Null(read.Url);
    }

    [SkippableFact]
    public async Task Expand_PollingEndpoint_GetsNoDelivery_AndCannotBeResentTo()
    {
        var polling = await CreatePollingEndpointAsync("alice");
        var sent = await CreateEndpointAsync("alice");
        var stored = await AppendExpandedAsync([Message("alice"), Message(null), Message("alice", endpointId: polling.Id)], default);

        var deliveries = await Log.QueryDeliveriesAsync(
            new() { Tenant = "alice", MessageIds = [.. stored.Select(s => s.MessageId)] }, default);
        Assert.Equal([sent.Id, sent.Id], deliveries.Select(d => d.EndpointId));
        Assert.Equal(WebhookResendOutcome.NotFound, await Queue.ResendAsync(stored[0].MessageId, polling.Id, T0.AddMinutes(1), default));
        Assert.Empty(await Log.ListDeliveriesAsync(stored[2].MessageId, default));
        var leased = await Queue.LeaseAsync(new("w", T0.AddMinutes(2), T0.AddMinutes(3), 10), default);
        Assert.Equal([sent.Id, sent.Id], leased.Select(l => l.EndpointId));
    }

    [SkippableFact]
    public async Task ReadFeed_HoldsTheEndpointsMessagesFromItsCreation_InOrder_EachOncePerWalk()
    {
        var endpoint = await CreatePollingEndpointAsync("alice");
        var other = await CreateEndpointAsync("alice");
        var stored = await Messages.AppendAsync(
            [
                Message("alice", at: T0.AddSeconds(-1)), // Before the endpoint: not in its feed.
                Message("alice", at: T0),
                Message(null, at: T0.AddSeconds(1)), // Every tenant's.
                Message("bob", at: T0.AddSeconds(2)),
                Message("alice", at: T0.AddSeconds(3), endpointId: other.Id), // A test event of another endpoint.
                Message("alice", at: T0.AddSeconds(4), endpointId: endpoint.Id), // Its own test event.
            ],
            default);
        var later = (await Messages.AppendAsync([Message("alice", at: T0.AddSeconds(5))], default))[0];
        string[] expected = [stored[1].MessageId, stored[2].MessageId, stored[5].MessageId, later.MessageId];

        var all = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint });
        var walked = await WalkAsync(endpoint, limit: 1);

        Assert.Equal(expected, all.Messages.Select(m => m.Message.Id));
        Assert.False(all.More);
        Assert.Equal(all.Messages[^1].Position, all.Position);
        Assert.Equal(expected, walked);
        var first = all.Messages[0].Message;
        Assert.Equal(("new-subscription", "POST", "alice", T0), (first.EventType, first.Method, first.Tenant, first.CreatedAt));
        Assert.Equal(s_payload, first.Payload.ToArray());
        // Read again from an item's position: the messages after it, once more (at least once, as the consumer asks).
        var again = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = all.Messages[1].Position });
        Assert.Equal(expected[2..], again.Messages.Select(m => m.Message.Id));
        var empty = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = all.Position });
        Assert.Equal((0, all.Position, false), (empty.Messages.Count, empty.Position, empty.More));
    }

    [SkippableFact]
    public async Task ReadFeed_OfAnEndpointOfNoTenant_HoldsOnlyMessagesOfNoTenant()
    {
        var endpoint = await CreatePollingEndpointAsync(null);
        var stored = await Messages.AppendAsync([Message("alice"), Message(null)], default);

        var page = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint });

        Assert.Equal([stored[1].MessageId], page.Messages.Select(m => m.Message.Id));
    }

    [SkippableFact]
    public async Task ReadFeed_AtTheLimit_SaysMore_AndGoesOnFromThere()
    {
        var endpoint = await CreatePollingEndpointAsync("alice");
        var stored = await Messages.AppendAsync([Message("alice"), Message("alice"), Message("alice")], default);

        var page = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, Limit = 2 });
        var rest = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = page.Position, Limit = 2 });

        Assert.Equal((2, true), (page.Messages.Count, page.More));
        Assert.Equal(page.Messages[^1].Position, page.Position);
        Assert.Equal([stored[2].MessageId], rest.Messages.Select(m => m.Message.Id));
        Assert.False(rest.More);
    }

    [SkippableFact]
    public async Task ReadFeed_WithAnEventFilter_PassesOverTheOthers_AndItsPositionTooSoTheyAreNotLookedAtAgain()
    {
        var endpoint = await CreatePollingEndpointAsync("alice", ["invoice.paid"]);
        await Messages.AppendAsync([Message("alice"), Message("alice"), Message("alice")], default); // new-subscription
        var paid = (await Messages.AppendAsync([Message("alice") with { EventType = "invoice.paid" }], default))[0];

        var first = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, Scan = 2 });
        var second = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, Scan = 2, After = first.Position });
        var all = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint });

        Assert.Equal((0, true), (first.Messages.Count, first.More));
        Assert.NotNull(first.Position);
        Assert.Equal([paid.MessageId], second.Messages.Select(m => m.Message.Id));
        Assert.Equal([paid.MessageId], all.Messages.Select(m => m.Message.Id));
        Assert.Equal(all.Position, second.Position);
    }

    [SkippableFact]
    public async Task ReadFeed_AMessageNotYetCommitted_IsNeverPassed()
    {
        var endpoint = await CreatePollingEndpointAsync("alice");
        var before = (await Messages.AppendAsync([Message("alice")], default))[0];
        var pending = Message("alice");
        var seen = new List<string>();
        string? position = null;
        async Task PollAsync()
        {
            var page = await Feed.ReadFeedAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position }, default);
            seen.AddRange(page.Messages.Select(m => m.Message.Id));
            position = page.Position;
        }

        await using (var connection = await OpenAppConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Messages.AppendAsync(pending, transaction, default);
            await PollAsync(); // Between the append and its commit.
            await transaction.CommitAsync();
        }

        await SettleAsync();
        await PollAsync();
        await PollAsync();

        Assert.Equal([before.MessageId, pending.Id], seen);
    }

    [SkippableFact]
    public async Task ReadFeed_APositionNotGivenOut_ThrowsFormatException()
    {
        var endpoint = await CreatePollingEndpointAsync("alice");

        foreach (var position in new[] { "", "x", "1.2.3", " 1", "01", "1e3", "18446744073709551616" })
        {
            await Assert.ThrowsAsync<FormatException>(
                () => Feed.ReadFeedAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position }, default));
        }
    }

    [SkippableFact]
    public async Task ReadFeed_AfterRetentionPurgedEverything_AReaderPastThemGetsTheNextMessages()
    {
        var endpoint = await CreatePollingEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddSeconds(1))], default);
        var start = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, Limit = 1 });
        var read = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint });
        Assert.Equal(2, await Queue.PurgeAsync(T0.AddDays(30), default));

        var next = (await Messages.AppendAsync([Message("alice", at: T0.AddDays(31))], default))[0];

        // A store that numbered messages from the largest kept would give the next one a place the reader has passed.
        var afterRead = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = read.Position });
        Assert.Equal([next.MessageId], afterRead.Messages.Select(m => m.Message.Id));
        // A position behind the purged ones reads on from the oldest kept.
        var afterStart = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = start.Position });
        Assert.Equal([next.MessageId], afterStart.Messages.Select(m => m.Message.Id));
    }

    /// <summary>Reads an endpoint's whole feed, <paramref name="limit"/> at a time, each read from the last one's position.</summary>
    private async Task<List<string>> WalkAsync(WebhookEndpoint endpoint, int limit)
    {
        var seen = new List<string>();
        string? position = null;
        for (var reads = 0; reads < 100; reads++)
        {
            var page = await ReadSettledAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position, Limit = limit });
            seen.AddRange(page.Messages.Select(m => m.Message.Id));
            position = page.Position;
            if (!page.More)
            {
                return seen;
            }
        }

        throw new InvalidOperationException("The feed never came to its end.");
    }

    private async Task<WebhookEndpoint> CreatePollingEndpointAsync(string? tenant, IReadOnlyList<string>? eventTypes = null)
    {
        var endpoint = NewEndpoint(tenant) with { Url = null, EventTypes = eventTypes };
        Assert.True(await Endpoints.CreateEndpointAsync(endpoint, null, default));
        return endpoint;
    }
}
