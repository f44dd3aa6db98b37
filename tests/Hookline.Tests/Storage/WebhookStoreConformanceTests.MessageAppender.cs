using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// What every <see cref="IWebhookMessageAppender"/> must do: append messages alone (the dispatcher fans them out after the commit),
/// all or nothing, once per idempotency key, on its own or in the app's transaction.
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task Append_StoresTheMessageWithoutDeliveries()
    {
        await CreateEndpointAsync("alice");

        var stored = Assert.Single(await Messages.AppendAsync([Message("alice")], default));

        Assert.False(stored.IsRepeat);
        Assert.Equal("new-subscription", (await Log.GetMessageAsync(stored.MessageId, default))!.EventType);
        Assert.Empty(await Log.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddHours(1), T0.AddHours(2), 10), default));
        Assert.Equal(new WebhookBacklog(1, T0), await Queue.GetBacklogAsync(T0.AddMinutes(1), default)); // It waits to be fanned out.
    }

    [SkippableFact]
    public async Task Append_RepeatedIdempotencyKey_ReturnsTheFirstAndStoresNothing()
    {
        await CreateEndpointAsync("alice");
        var first = (await Messages.AppendAsync([Message("alice", key: "k1")], default))[0];

        var results = await Messages.AppendAsync([Message("alice", key: "k1"), Message("bob", key: "k1"), Message("alice", key: "k1")], default);

        Assert.Equal(new WebhookPublishResult(first.MessageId, true), results[0]);
        Assert.False(results[1].IsRepeat);
        Assert.Equal(new WebhookPublishResult(first.MessageId, true), results[2]);
        Assert.Equal(2, await Queue.ExpandAsync(T0, 10, default));
        Assert.Single(await Log.ListDeliveriesAsync(first.MessageId, default));
    }

    [SkippableFact]
    public async Task Append_TheSameMessageTwiceInABatch_StoresItOnceAndReportsTheSecondAsItsRepeat()
    {
        await CreateEndpointAsync("alice");
        var message = Message("alice", key: "k1");

        var results = await Messages.AppendAsync([message, message], default);

        Assert.Equal([new WebhookPublishResult(message.Id, false), new WebhookPublishResult(message.Id, true)], results);
        Assert.Equal(1, await Queue.ExpandAsync(T0, 10, default));
    }

    [SkippableFact]
    public async Task Append_BatchWithAFailure_StoresNothing()
    {
        await CreateEndpointAsync("alice");
        var first = Message("alice");
        var duplicate = Message("alice");

        await Assert.ThrowsAnyAsync<Exception>(() => Messages.AppendAsync([first, duplicate, duplicate], default));

        Assert.Null(await Log.GetMessageAsync(first.Id, default));
        Assert.Equal(0, await Queue.ExpandAsync(T0, 10, default));
    }

    [SkippableFact]
    public async Task AppendInTransaction_Committed_IsStoredAndExpanded()
    {
        await CreateEndpointAsync("alice");
        var message = Message("alice");

        await using (var connection = await OpenAppConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Equal(new WebhookPublishResult(message.Id, false), await Messages.AppendAsync(message, transaction, default));
            await transaction.CommitAsync();
        }

        Assert.Equal(1, await Queue.ExpandAsync(T0, 10, default));
        Assert.Single(await Log.ListDeliveriesAsync(message.Id, default));
    }

    [SkippableFact]
    public async Task AppendInTransaction_RolledBack_StoresNothing()
    {
        await CreateEndpointAsync("alice");
        var message = Message("alice", key: "k1");

        await using (var connection = await OpenAppConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Messages.AppendAsync(message, transaction, default);
            await transaction.RollbackAsync();
        }

        Assert.Null(await Log.GetMessageAsync(message.Id, default));
        Assert.Equal(0, await Queue.ExpandAsync(T0, 10, default));
        Assert.False((await Messages.AppendAsync([Message("alice", key: "k1")], default))[0].IsRepeat, "the rolled-back key is free");
    }

    [SkippableFact]
    public async Task AppendInTransaction_RepeatedIdempotencyKey_ReturnsTheFirst()
    {
        var first = (await Messages.AppendAsync([Message("alice", key: "k1")], default))[0];

        await using var connection = await OpenAppConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var repeat = await Messages.AppendAsync(Message("alice", key: "k1"), transaction, default);
        var again = Message("alice", key: "k2");
        Assert.Equal(new WebhookPublishResult(again.Id, false), await Messages.AppendAsync(again, transaction, default));
        Assert.Equal(new WebhookPublishResult(again.Id, true), await Messages.AppendAsync(Message("alice", key: "k2"), transaction, default));
        await transaction.CommitAsync();

        Assert.Equal(new WebhookPublishResult(first.MessageId, true), repeat);
    }

    [SkippableFact]
    public async Task AppendInTransaction_OfAnotherProvider_IsRefusedNamingTheSupportedOne()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Messages.AppendAsync(Message("alice"), new ForeignTransaction(), default));

        Assert.Equal("transaction", error.ParamName);
        Assert.Contains(nameof(ForeignTransaction), error.Message);
        Assert.Matches("SqliteTransaction|NpgsqlTransaction", error.Message);
    }
}
