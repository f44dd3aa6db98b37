using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// What every <see cref="IWebhookStore"/> must do. Each store's test class derives from this. One file per role
/// (<c>.EndpointStore.cs</c>, <c>.MessageAppender.cs</c>, <c>.DeliveryQueue.cs</c>, <c>.LogReader.cs</c>,
/// <c>.DashboardState.cs</c>); each
/// role's tests act through that role and use the others only to arrange and to observe. This file holds the
/// schema's tests and the shared helpers. Its facts are skippable: a store whose server this machine lacks (PostgreSQL)
/// skips them with the reason, except on CI.
/// </summary>
public abstract partial class WebhookStoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("{\"username\":\"rick\"}");
    private int _ids;

    protected IWebhookStore Store { get; private set; } = null!;

    protected IWebhookEndpointStore Endpoints => Store;

    protected IWebhookMessageAppender Messages => Store;

    protected IWebhookDeliveryQueue Queue => Store;

    protected IWebhookLogReader Log => Store;

    protected abstract Task<IWebhookStore> CreateStoreAsync();

    /// <summary>Opens a connection of the app's own to the store's database, as an app publishing in its transaction has.</summary>
    protected abstract Task<DbConnection> OpenAppConnectionAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync(default);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Initialize_Twice_KeepsData()
    {
        var endpoint = await CreateEndpointAsync("alice");

        await Store.InitializeAsync(default);

        Assert.NotNull(await Endpoints.GetEndpointAsync(endpoint.Id, default));
    }

    [SkippableFact]
    public async Task Times_AreKeptInUtcToTheMillisecond_ReadAndComparedAlikeInEveryStore()
    {
        var at = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567); // 12:00:00.1234567 UTC
        var kept = new DateTimeOffset(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);
        var endpoint = await CreateEndpointAsync("alice");
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(endpoint with { UpdatedAt = at, FailingSince = at }, default));
        var stored = (await Messages.AppendAsync([Message("alice", at: at)], default))[0];
        await Queue.ExpandAsync(at, 10, default);

        var updated = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((kept, kept, TimeSpan.Zero), (updated.UpdatedAt, updated.FailingSince!.Value, updated.UpdatedAt.Offset));
        Assert.Equal(kept, (await Log.GetMessageAsync(stored.MessageId, default))!.CreatedAt);
        Assert.Single(await Log.QueryMessagesAsync(new WebhookMessageQuery { Since = kept.AddTicks(9_999) }, default));
        Assert.Single(await Queue.LeaseAsync(new("w", kept.AddTicks(1), kept.AddSeconds(30), 10), default)); // Due at .123, as stored.
    }

    // Records compare lists by reference; their JSON compares them by content.
    private static void AssertSame(WebhookEndpoint expected, WebhookEndpoint? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    /// <summary>Registers an endpoint; by default one whose latest attempt succeeded (its circuit closed), else a new one.</summary>
    private protected async Task<WebhookEndpoint> CreateEndpointAsync(
        string? tenant,
        IReadOnlyList<string>? eventTypes = null,
        int? rateLimit = null,
        bool proven = true,
        WebhookOrdering ordering = WebhookOrdering.None)
    {
        var endpoint = NewEndpoint(tenant) with
        {
            EventTypes = eventTypes, RateLimit = rateLimit, ConsecutiveFailures = proven ? 0 : null, Ordering = ordering,
        };
        Assert.True(await Endpoints.CreateEndpointAsync(endpoint, null, default));
        return endpoint;
    }

    private protected WebhookEndpoint NewEndpoint(string? tenant) => new()
    {
        Id = $"ep_{Interlocked.Increment(ref _ids):D4}",
        Tenant = tenant,
        Url = "http://127.0.0.1:9/hook",
        Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate(), T0)],
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    /// <summary>Appends messages and expands them, as the dispatcher does after the commit: what the other roles' tests start from.</summary>
    private protected async Task<IReadOnlyList<WebhookPublishResult>> AppendExpandedAsync(IReadOnlyList<WebhookNewMessage> messages, CancellationToken cancellationToken)
    {
        var stored = await Messages.AppendAsync(messages, cancellationToken);
        await Queue.ExpandAsync(T0, 1_000, cancellationToken);
        return stored;
    }

    private protected WebhookNewMessage Message(
        string? tenant, string? key = null, DateTimeOffset? at = null, string? endpointId = null, string? orderingKey = null) =>
        new($"msg_{Interlocked.Increment(ref _ids):D4}", "new-subscription", "POST", tenant, s_payload, at ?? T0, key, endpointId, orderingKey);

    /// <summary>A transaction of a provider no store writes through.</summary>
    private sealed class ForeignTransaction : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        protected override DbConnection? DbConnection => null;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }

    private protected static WebhookCompletedAttempt Result(WebhookLeasedDelivery leased, string owner, WebhookDeliveryStatus status, int statusCode, DateTimeOffset? next = null) => new()
    {
        DeliveryId = leased.Id,
        EndpointId = leased.EndpointId,
        LeaseOwner = owner,
        StartedAt = T0,
        Duration = TimeSpan.FromMilliseconds(12.5),
        StatusCode = statusCode,
        ResponseBody = "ok",
        ErrorKind = statusCode is >= 200 and < 300 ? WebhookAttemptErrorKind.None : WebhookAttemptErrorKind.HttpStatus,
        Status = status,
        NextAttemptAt = next,
    };
}
