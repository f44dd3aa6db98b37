using System.Text;
using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>What every <see cref="IWebhookStore"/> must do. Each store's test class derives from this.</summary>
public abstract class WebhookStoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("{\"username\":\"rick\"}");
    private int _ids;

    protected IWebhookStore Store { get; private set; } = null!;

    protected abstract Task<IWebhookStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync(default);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Initialize_Twice_KeepsData()
    {
        var endpoint = await CreateEndpointAsync("alice");

        await Store.InitializeAsync(default);

        Assert.NotNull(await Store.GetEndpointAsync(endpoint.Id, default));
    }

    [Fact]
    public async Task Endpoint_CreateGetListUpdateDelete_RoundTrips()
    {
        var endpoint = await CreateEndpointAsync("alice", ["new-subscription"]);
        await CreateEndpointAsync("bob");

        AssertSame(endpoint, await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal([endpoint.Id], (await Store.ListEndpointsAsync("alice", default)).Select(e => e.Id));
        var changed = endpoint with { Url = "http://127.0.0.1:9/changed", Description = "changed", EventTypes = null, UpdatedAt = T0.AddMinutes(1) };
        Assert.Equal(WebhookEndpointWrite.Written, await Store.UpdateEndpointAsync(changed, default));
        AssertSame(changed with { Version = 2 }, await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Store.DeleteEndpointAsync(endpoint.Id, null, default));
        Assert.Null(await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Store.DeleteEndpointAsync(endpoint.Id, null, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Store.UpdateEndpointAsync(changed with { Version = 2 }, default));
    }

    [Fact]
    public async Task UpdateEndpoint_EachWrite_RaisesTheVersionByOne()
    {
        var endpoint = await CreateEndpointAsync("alice");
        Assert.Equal(1, (await Store.GetEndpointAsync(endpoint.Id, default))!.Version);

        Assert.Equal(WebhookEndpointWrite.Written, await Store.UpdateEndpointAsync(endpoint with { Description = "one" }, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Store.UpdateEndpointAsync(endpoint with { Description = "two", Version = 2 }, default));

        var stored = (await Store.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((3L, "two"), (stored.Version, stored.Description));
    }

    [Fact]
    public async Task UpdateEndpoint_StaleVersion_IsRefusedAndChangesNothing()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice")], default);
        Assert.Equal(WebhookEndpointWrite.Written, await Store.UpdateEndpointAsync(endpoint with { Description = "first" }, default));

        // Written from the version read before the first change: it would undo it.
        var stale = endpoint with { Description = "lost", Enabled = false, DisabledReason = "stale", Secrets = [] };
        Assert.Equal(WebhookEndpointWrite.Stale, await Store.UpdateEndpointAsync(stale, default));
        Assert.Equal(WebhookEndpointWrite.Stale, await Store.UpdateEndpointAsync(stale with { Version = 3 }, default));

        AssertSame(endpoint with { Description = "first", Version = 2 }, await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Single(await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default)); // Its pending delivery did not fail.
    }

    [Fact]
    public async Task DeleteEndpoint_AtAStaleVersion_IsRefused_AtTheCurrentOneDeletes()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.UpdateEndpointAsync(endpoint with { Description = "changed" }, default);

        Assert.Equal(WebhookEndpointWrite.Stale, await Store.DeleteEndpointAsync(endpoint.Id, 1, default));
        Assert.NotNull(await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.Written, await Store.DeleteEndpointAsync(endpoint.Id, 2, default));
        Assert.Null(await Store.GetEndpointAsync(endpoint.Id, default));
        Assert.Equal(WebhookEndpointWrite.NotFound, await Store.DeleteEndpointAsync(endpoint.Id, 2, default));
    }

    [Fact]
    public async Task Complete_HealthChanges_RaiseTheEndpointsVersion()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice"), Message("alice"), Message("alice"), Message("alice")], default);
        var leased = await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default);
        async Task<long> VersionAfterAsync(AttemptResult result)
        {
            await Store.CompleteAsync([result], T0.AddSeconds(1), default);
            return (await Store.GetEndpointAsync(endpoint.Id, default))!.Version;
        }

        Assert.Equal(2, await VersionAfterAsync(Result(leased[0], "w", DeliveryStatus.Pending, 500, next: T0.AddMinutes(1)))); // Failing since.
        Assert.Equal(2, await VersionAfterAsync(Result(leased[1], "w", DeliveryStatus.Pending, 500, next: T0.AddMinutes(1)))); // Still failing: no change.
        Assert.Equal(3, await VersionAfterAsync(Result(leased[2], "w", DeliveryStatus.Succeeded, 200))); // Failing no more.
        Assert.InRange(await VersionAfterAsync(Result(leased[3], "w", DeliveryStatus.Failed, 410) with { DisableEndpointReason = "410 Gone" }), 4, long.MaxValue);
        var disabled = (await Store.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((false, "410 Gone"), (disabled.Enabled, disabled.DisabledReason));

        // A change written from the version read before the dispatcher's would undo them: refused.
        Assert.Equal(WebhookEndpointWrite.Stale, await Store.UpdateEndpointAsync(endpoint with { Description = "stale" }, default));
    }

    [Fact]
    public async Task QueryEndpoints_PagesATenantsEndpointsNewestFirst()
    {
        var alices = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            alices.Add((await CreateEndpointAsync("alice")).Id);
            await CreateEndpointAsync("bob");
        }

        await CreateEndpointAsync(null);

        var first = await Store.QueryEndpointsAsync(new EndpointQuery { Tenant = "alice", Limit = 2 }, default);
        var second = await Store.QueryEndpointsAsync(new EndpointQuery { Tenant = "alice", Before = first[^1].Id, Limit = 2 }, default);
        var last = await Store.QueryEndpointsAsync(new EndpointQuery { Tenant = "alice", Before = second[^1].Id, Limit = 2 }, default);

        Assert.Equal(alices.AsEnumerable().Reverse(), first.Concat(second).Concat(last).Select(e => e.Id));
        Assert.Single(last);
        Assert.All(first.Concat(second).Concat(last), e => Assert.Equal("alice", e.Tenant));
        Assert.Single(await Store.QueryEndpointsAsync(new EndpointQuery { Tenant = null }, default));
        Assert.Empty(await Store.QueryEndpointsAsync(new EndpointQuery { Tenant = "alice", Before = alices[0] }, default));
    }

    [Fact]
    public async Task Append_FansOutToTheTenantsEnabledMatchingEndpoints()
    {
        var all = await CreateEndpointAsync("alice");
        var matching = await CreateEndpointAsync("alice", ["new-subscription"]);
        await CreateEndpointAsync("alice", ["invoice.paid"]);
        await CreateEndpointAsync("bob");
        var disabled = await CreateEndpointAsync("alice");
        await Store.UpdateEndpointAsync(disabled with { Enabled = false, DisabledReason = "test" }, default);

        var stored = Assert.Single(await Store.AppendAsync([Message("alice")], default));

        Assert.Equal(2, stored.Deliveries);
        Assert.False(stored.IsRepeat);
        var deliveries = await Store.ListDeliveriesAsync(stored.MessageId, default);
        Assert.Equal(new[] { all.Id, matching.Id }.Order(), deliveries.Select(d => d.EndpointId).Order());
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Pending, 0, T0), (d.Status, d.Attempts, d.NextAttemptAt)));
    }

    [Fact]
    public async Task Append_NoTenant_GoesToEveryTenant()
    {
        await CreateEndpointAsync("alice");
        await CreateEndpointAsync("bob");

        var stored = Assert.Single(await Store.AppendAsync([Message(tenant: null)], default));

        Assert.Equal(2, stored.Deliveries);
    }

    [Fact]
    public async Task Append_RepeatedIdempotencyKey_ReturnsTheFirstAndStoresNothing()
    {
        await CreateEndpointAsync("alice");
        var first = (await Store.AppendAsync([Message("alice", key: "k1")], default))[0];

        var results = await Store.AppendAsync([Message("alice", key: "k1"), Message("bob", key: "k1"), Message("alice", key: "k1")], default);

        Assert.Equal(new StoredMessage(first.MessageId, 0, true), results[0]);
        Assert.False(results[1].IsRepeat);
        Assert.Equal(new StoredMessage(first.MessageId, 0, true), results[2]);
        Assert.Single(await Store.ListDeliveriesAsync(first.MessageId, default));
    }

    [Fact]
    public async Task Append_BatchWithAFailure_StoresNothing()
    {
        await CreateEndpointAsync("alice");
        var duplicate = Message("alice");

        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync([Message("alice"), duplicate, duplicate], default));

        Assert.Equal(0, (await Store.GetBacklogAsync(T0, default)).Pending);
    }

    [Fact]
    public async Task Lease_DueDeliveries_OldestFirstUpToMaxWithEverythingToSendThem()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice", at: T0.AddSeconds(2)), Message("alice", at: T0), Message("alice", at: T0.AddSeconds(1)), Message("alice", at: T0.AddMinutes(5))], default);

        var leased = await Store.LeaseAsync("worker-1", T0.AddSeconds(10), T0.AddSeconds(40), max: 2, default);

        Assert.Equal(2, leased.Count);
        var first = leased[0];
        Assert.Equal((0, "new-subscription", "POST", endpoint.Id, endpoint.Url), (first.Attempts, first.Webhook, first.Method, first.EndpointId, first.Url));
        Assert.Equal(s_payload, first.Payload.ToArray());
        Assert.Equal(endpoint.Secrets, first.Secrets);
        var third = await Store.LeaseAsync("worker-1", T0.AddSeconds(10), T0.AddSeconds(40), max: 10, default);
        Assert.Single(third);
        Assert.True(first.MessageId.CompareTo(leased[1].MessageId) != 0 && leased[1].MessageId != third[0].MessageId);
    }

    [Fact]
    public async Task Lease_ExpiredLease_IsLeasedAgain()
    {
        await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice")], default);
        var leased = Assert.Single(await Store.LeaseAsync("crashed", T0, T0.AddSeconds(30), 10, default));

        Assert.Empty(await Store.LeaseAsync("other", T0.AddSeconds(29), T0.AddSeconds(59), 10, default));
        var again = Assert.Single(await Store.LeaseAsync("other", T0.AddSeconds(30), T0.AddSeconds(60), 10, default));

        Assert.Equal(leased.Id, again.Id);
    }

    [Fact]
    public async Task Complete_Success_RecordsTheAttemptAndEndsTheDelivery()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await Store.AppendAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default));

        await Store.CompleteAsync([Result(leased, "w", DeliveryStatus.Succeeded, 204)], T0.AddSeconds(1), default);

        var delivery = Assert.Single(await Store.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Equal((DeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));
        var attempt = Assert.Single(await Store.ListAttemptsAsync(stored.MessageId, default));
        Assert.Equal(new DeliveryAttempt(attempt.Id, leased.Id, stored.MessageId, endpoint.Id, "new-subscription", T0, TimeSpan.FromMilliseconds(12.5), 204, "ok", AttemptErrorKind.None, null), attempt);
        Assert.Empty(await Store.LeaseAsync("w", T0.AddHours(1), T0.AddHours(2), 10, default));
        Assert.Null((await Store.GetEndpointAsync(endpoint.Id, default))!.FailingSince);
    }

    [Fact]
    public async Task Complete_Retry_SchedulesTheNextAttemptAndMarksTheEndpointFailing()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice")], default);
        var leased = Assert.Single(await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default));

        await Store.CompleteAsync([Result(leased, "w", DeliveryStatus.Pending, 500, next: T0.AddSeconds(5))], T0, default);

        Assert.Empty(await Store.LeaseAsync("w", T0.AddSeconds(4), T0.AddSeconds(34), 10, default));
        var again = Assert.Single(await Store.LeaseAsync("w", T0.AddSeconds(5), T0.AddSeconds(35), 10, default));
        Assert.Equal(1, again.Attempts);
        Assert.Equal(T0, again.FailingSince);
        Assert.Equal(T0, (await Store.GetEndpointAsync(endpoint.Id, default))!.FailingSince);

        await Store.CompleteAsync([Result(again, "w", DeliveryStatus.Succeeded, 200)], T0.AddSeconds(6), default);
        Assert.Null((await Store.GetEndpointAsync(endpoint.Id, default))!.FailingSince);
    }

    [Fact]
    public async Task Complete_ByAnOwnerWhoseLeaseWasTaken_DoesNotChangeTheDelivery()
    {
        await CreateEndpointAsync("alice");
        var stored = (await Store.AppendAsync([Message("alice")], default))[0];
        var stale = Assert.Single(await Store.LeaseAsync("slow", T0, T0.AddSeconds(30), 10, default));
        Assert.Single(await Store.LeaseAsync("fast", T0.AddSeconds(30), T0.AddSeconds(60), 10, default));

        await Store.CompleteAsync([Result(stale, "slow", DeliveryStatus.Failed, 500)], T0.AddSeconds(31), default);

        var delivery = Assert.Single(await Store.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Equal((DeliveryStatus.Pending, 0), (delivery.Status, delivery.Attempts));
        Assert.Single(await Store.ListAttemptsAsync(stored.MessageId, default));
    }

    [Fact]
    public async Task Complete_DisableEndpoint_DisablesItAndFailsItsPendingDeliveries()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var messages = await Store.AppendAsync([Message("alice"), Message("alice", at: T0.AddMinutes(1))], default);
        var leased = (await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 1, default))[0];

        await Store.CompleteAsync([Result(leased, "w", DeliveryStatus.Failed, 410) with { DisableEndpointReason = "410 Gone" }], T0, default);

        var disabled = (await Store.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((false, "410 Gone"), (disabled.Enabled, disabled.DisabledReason));
        Assert.Equal(DeliveryStatus.Failed, (await Store.ListDeliveriesAsync(messages[1].MessageId, default))[0].Status);
        Assert.Equal(0, (await Store.GetBacklogAsync(T0.AddHours(1), default)).Pending);
    }

    [Fact]
    public async Task Release_MakesLeasedDeliveriesDueAtOnce()
    {
        await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice")], default);
        var leased = Assert.Single(await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default));

        await Store.ReleaseAsync("w", [new(leased.Id, T0.AddSeconds(1))], default);

        Assert.Single(await Store.LeaseAsync("other", T0.AddSeconds(1), T0.AddSeconds(31), 10, default));
    }

    [Fact]
    public async Task Resend_FailedDelivery_IsPendingAgainWithAFreshSchedule()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await Store.AppendAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Store.LeaseAsync("w", T0, T0.AddSeconds(30), 10, default));
        await Store.CompleteAsync([Result(leased, "w", DeliveryStatus.Failed, 500)], T0, default);

        Assert.True(await Store.ResendAsync(stored.MessageId, endpoint.Id, T0.AddHours(1), default));

        var again = Assert.Single(await Store.LeaseAsync("w", T0.AddHours(1), T0.AddHours(2), 10, default));
        Assert.Equal((stored.MessageId, 0), (again.MessageId, again.Attempts));
        Assert.False(await Store.ResendAsync("msg_unknown", endpoint.Id, T0, default));
        Assert.False(await Store.ResendAsync(stored.MessageId, "ep_unknown", T0, default));
    }

    [Fact]
    public async Task Resend_ToAnotherEndpoint_CreatesItsDelivery()
    {
        await CreateEndpointAsync("alice");
        var stored = (await Store.AppendAsync([Message("alice")], default))[0];
        var later = await CreateEndpointAsync("alice");

        Assert.True(await Store.ResendAsync(stored.MessageId, later.Id, T0, default));

        Assert.Equal(2, (await Store.ListDeliveriesAsync(stored.MessageId, default)).Count);
    }

    [Fact]
    public async Task Recover_FailedDeliveriesSinceATime_ArePendingAgain()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice", at: T0), Message("alice", at: T0.AddHours(2)), Message("alice", at: T0.AddHours(3))], default);
        var leased = await Store.LeaseAsync("w", T0.AddHours(3), T0.AddHours(4), 10, default);
        await Store.CompleteAsync([.. leased.Take(2).Select(l => Result(l, "w", DeliveryStatus.Failed, 500)), Result(leased[2], "w", DeliveryStatus.Succeeded, 200)], T0.AddHours(3), default);

        var recovered = await Store.RecoverAsync(endpoint.Id, T0.AddHours(1), T0.AddHours(5), default);

        Assert.Equal(1, recovered);
        Assert.Single(await Store.LeaseAsync("w", T0.AddHours(5), T0.AddHours(6), 10, default));
    }

    [Fact]
    public async Task Update_Disable_FailsPendingDeliveries()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice")], default);

        await Store.UpdateEndpointAsync(endpoint with { Enabled = false, DisabledReason = "by the tenant", UpdatedAt = T0 }, default);

        Assert.Empty(await Store.LeaseAsync("w", T0.AddHours(1), T0.AddHours(2), 10, default));
    }

    [Fact]
    public async Task Delete_Endpoint_RemovesItsDeliveries()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await Store.AppendAsync([Message("alice")], default))[0];

        await Store.DeleteEndpointAsync(endpoint.Id, null, default);

        Assert.Empty(await Store.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Empty(await Store.LeaseAsync("w", T0.AddHours(1), T0.AddHours(2), 10, default));
    }

    [Fact]
    public async Task Backlog_CountsPendingAndTheOldestDue()
    {
        await CreateEndpointAsync("alice");
        await Store.AppendAsync([Message("alice", at: T0), Message("alice", at: T0.AddSeconds(5)), Message("alice", at: T0.AddHours(1))], default);

        Assert.Equal(new BacklogStats(3, T0), await Store.GetBacklogAsync(T0.AddSeconds(10), default));
        await Store.LeaseAsync("w", T0.AddSeconds(10), T0.AddSeconds(40), 1, default);
        Assert.Equal(new BacklogStats(3, T0.AddSeconds(5)), await Store.GetBacklogAsync(T0.AddSeconds(10), default));
    }

    [Fact]
    public async Task Purge_OldFinishedMessages_GoWithTheirDeliveriesAndAttempts()
    {
        await CreateEndpointAsync("alice");
        var messages = await Store.AppendAsync([Message("alice", at: T0), Message("alice", at: T0.AddDays(1)), Message("alice", at: T0.AddDays(40))], default);
        var leased = await Store.LeaseAsync("w", T0.AddDays(1), T0.AddDays(2), 1, default);
        await Store.CompleteAsync([Result(leased[0], "w", DeliveryStatus.Succeeded, 200)], T0.AddDays(1), default);

        var purged = await Store.PurgeAsync(T0.AddDays(30), default);

        Assert.Equal(1, purged);
        Assert.Empty(await Store.ListDeliveriesAsync(messages[0].MessageId, default));
        Assert.Empty(await Store.ListAttemptsAsync(messages[0].MessageId, default));
        Assert.Single(await Store.ListDeliveriesAsync(messages[1].MessageId, default));
        Assert.Single(await Store.ListDeliveriesAsync(messages[2].MessageId, default));
    }

    // Records compare lists by reference; their JSON compares them by content.
    private static void AssertSame(WebhookEndpoint expected, WebhookEndpoint? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    private async Task<WebhookEndpoint> CreateEndpointAsync(string? tenant, IReadOnlyList<string>? eventTypes = null)
    {
        var endpoint = new WebhookEndpoint
        {
            Id = $"ep_{Interlocked.Increment(ref _ids):D4}",
            Tenant = tenant,
            Url = "http://127.0.0.1:9/hook",
            EventTypes = eventTypes,
            Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate(), T0)],
            CreatedAt = T0,
            UpdatedAt = T0,
        };
        await Store.CreateEndpointAsync(endpoint, default);
        return endpoint;
    }

    private NewMessage Message(string? tenant, string? key = null, DateTimeOffset? at = null) =>
        new($"msg_{Interlocked.Increment(ref _ids):D4}", "new-subscription", "POST", tenant, s_payload, at ?? T0, key);

    private static AttemptResult Result(LeasedDelivery leased, string owner, DeliveryStatus status, int statusCode, DateTimeOffset? next = null) => new()
    {
        DeliveryId = leased.Id,
        EndpointId = leased.EndpointId,
        LeaseOwner = owner,
        StartedAt = T0,
        Duration = TimeSpan.FromMilliseconds(12.5),
        StatusCode = statusCode,
        ResponseBody = "ok",
        ErrorKind = statusCode is >= 200 and < 300 ? AttemptErrorKind.None : AttemptErrorKind.HttpStatus,
        Status = status,
        NextAttemptAt = next,
    };
}
