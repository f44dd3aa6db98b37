using System.Data.Common;
using Hookline.PostgreSql;
using Hookline.Storage;
using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>The conformance suite on a real PostgreSQL server, in a schema of its own per test.</summary>
public sealed class PostgreSqlWebhookStoreTests : WebhookStoreConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchema();
    private NpgsqlDataSource? _dataSource;

    protected override Task<IWebhookStore> CreateStoreAsync()
    {
        TestPostgres.SkipUnlessAvailable();
        _dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        return Task.FromResult<IWebhookStore>(new PostgreSqlWebhookStore(_dataSource, _schema));
    }

    protected override async Task<DbConnection> OpenAppConnectionAsync() => await _dataSource!.OpenConnectionAsync();

    protected override Task SettleAsync() => TestPostgres.SettleAsync();

    [SkippableFact]
    public async Task ReadFeed_TheSmallerSeqCommittingLast_IsReadBeforeTheOther_EachOncePerWalk()
    {
        // The trap: seq is drawn at insert, so a message with a smaller seq can commit after a reader has passed a larger one.
        var endpoint = NewEndpoint("alice") with { Url = null };
        Assert.True(await Store.CreateEndpointAsync(endpoint, null, default));
        var (first, second) = (Message("alice"), Message("alice"));
        var seen = new List<string>();
        string? position = null;
        async Task PollAsync()
        {
            var page = await Store.ReadFeedAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position }, default);
            seen.AddRange(page.Messages.Select(m => m.Message.Id));
            position = page.Position;
        }

        await using var slow = await _dataSource!.OpenConnectionAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await Store.AppendAsync(first, slowTransaction, default); // The smaller seq...
        await using (var fast = await _dataSource.OpenConnectionAsync())
        await using (var fastTransaction = await fast.BeginTransactionAsync())
        {
            await Store.AppendAsync(second, fastTransaction, default);
            await fastTransaction.CommitAsync(); // ...commits last: the larger one is committed first.
        }

        await PollAsync();
        await PollAsync();
        await slowTransaction.CommitAsync();
        await TestPostgres.SettleAsync();
        await PollAsync();
        await PollAsync();

        Assert.Equal([first.Id, second.Id], seen);
    }

    [SkippableFact]
    public async Task ReadFeed_WhilePublishersCommitInAnyOrder_AReaderGetsEveryMessageOnce()
    {
        var endpoint = NewEndpoint("alice") with { Url = null };
        Assert.True(await Store.CreateEndpointAsync(endpoint, null, default));
        var published = new System.Collections.Concurrent.ConcurrentBag<string>();
        var seen = new List<string>();
        string? position = null;
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var page = await Store.ReadFeedAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position }, default);
                seen.AddRange(page.Messages.Select(m => m.Message.Id));
                position = page.Position;
            }
        });

        // Each publisher holds its transaction open a while after inserting, so that commits come in another order than seqs.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(publisher => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var connection = await _dataSource!.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                var message = Message("alice");
                await Store.AppendAsync(message, transaction, default);
                await Task.Delay(Random.Shared.Next(0, 15));
                await transaction.CommitAsync();
                published.Add(message.Id);
            }
        })));
        await TestPostgres.SettleAsync();
        await done.CancelAsync();
        await reader;
        var page = await Store.ReadFeedAsync(new WebhookFeedQuery { Endpoint = endpoint, After = position }, default);
        seen.AddRange(page.Messages.Select(m => m.Message.Id));

        Assert.Equal(published.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal)); // Each once: none skipped, none twice.
    }

    [SkippableFact]
    public async Task AppendInTransaction_TheAppHoldsThePoolsLastConnection_TakesNoOther()
    {
        // As when every connection of an instance's pool is held by a request publishing in its transaction: a publish that took
        // one more would wait for the connections that its caller and the others hold, until the pool times out.
        var onlyOne = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { MaxPoolSize = 1, Timeout = 3 };
        await using var dataSource = NpgsqlDataSource.Create(onlyOne.ConnectionString);
        var store = new PostgreSqlWebhookStore(dataSource, _schema);
        await store.InitializeAsync(default);
        var message = new WebhookNewMessage("msg_pool", "new-subscription", "POST", "alice", "{}"u8.ToArray(), T0);

        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Equal(new WebhookPublishResult(message.Id, false), await store.AppendAsync(message, transaction, default));
            await transaction.CommitAsync();
        }

        Assert.NotNull(await store.GetMessageAsync(message.Id, default));
    }

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }
}
