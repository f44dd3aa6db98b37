using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>
/// What every <see cref="IWebhookLogReader"/> must do: read messages, deliveries and attempts, with the filters and
/// pages of the management API. (A message's deliveries and attempts are read by the other roles' tests too.)
/// </summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task GetMessage_ReturnsWhatWasAppended_OrNull()
    {
        var stored = (await AppendExpandedAsync([Message("alice", at: T0.AddSeconds(1))], default))[0];

        var message = await Log.GetMessageAsync(stored.MessageId, default);

        Assert.NotNull(message);
        Assert.Equal((stored.MessageId, "new-subscription", "POST", "alice", T0.AddSeconds(1)), (message.Id, message.EventType, message.Method, message.Tenant, message.CreatedAt));
        Assert.Equal(s_payload, message.Payload.ToArray());
        Assert.Null(await Log.GetMessageAsync("msg_unknown", default));
    }

    [SkippableFact]
    public async Task QueryMessages_FiltersByTenantEndpointStatusAndTime_NewestFirstInPages()
    {
        await CreateEndpointAsync("alice");
        var bobs = await CreateEndpointAsync("bob");
        var stored = await AppendExpandedAsync([Message("alice", at: T0), Message(tenant: null, at: T0.AddMinutes(1)), Message("bob", at: T0.AddMinutes(2))], default);
        var (alices, everyones, bobsOwn) = (stored[0].MessageId, stored[1].MessageId, stored[2].MessageId);
        async Task<IEnumerable<string>> IdsAsync(WebhookMessageQuery query) => (await Log.QueryMessagesAsync(query, default)).Select(m => m.Id);

        Assert.Equal([bobsOwn, everyones, alices], await IdsAsync(new WebhookMessageQuery()));
        Assert.Equal([everyones, alices], await IdsAsync(new WebhookMessageQuery { Tenant = "alice" })); // Its own, and one delivered to it.
        Assert.Equal([bobsOwn, everyones], await IdsAsync(new WebhookMessageQuery { EndpointId = bobs.Id }));
        Assert.Equal([everyones, alices], await IdsAsync(new WebhookMessageQuery { Tenant = "alice", Status = WebhookDeliveryStatus.Pending }));
        Assert.Empty(await IdsAsync(new WebhookMessageQuery { Status = WebhookDeliveryStatus.Succeeded }));
        Assert.Empty(await IdsAsync(new WebhookMessageQuery { EventType = "invoice.paid" }));
        Assert.Equal([bobsOwn, everyones], await IdsAsync(new WebhookMessageQuery { Since = T0.AddMinutes(1) }));
        Assert.Equal([alices], await IdsAsync(new WebhookMessageQuery { Until = T0.AddMinutes(1) }));
        Assert.Equal([bobsOwn], await IdsAsync(new WebhookMessageQuery { Limit = 1 }));
        Assert.Equal([everyones], await IdsAsync(new WebhookMessageQuery { Before = bobsOwn, Limit = 1 }));
        Assert.Equal([everyones], await IdsAsync(new WebhookMessageQuery { Tenant = "alice", Id = everyones }));
        Assert.Empty(await IdsAsync(new WebhookMessageQuery { Tenant = "alice", Id = bobsOwn })); // Neither published for alice nor sent to her.
    }

    [SkippableFact]
    public async Task QueryMessages_ATenantsPages_HoldItsOwnAndWhatItReceived_InOneOrder()
    {
        var alices = await CreateEndpointAsync("alice");
        await CreateEndpointAsync("bob");
        var stored = await AppendExpandedAsync(
            [Message("alice", at: T0), Message(null, at: T0.AddMinutes(1)), Message("alice", at: T0.AddMinutes(2)), Message(null, at: T0.AddMinutes(3)), Message("bob", at: T0.AddMinutes(4))],
            default);
        var ids = stored.Select(m => m.MessageId).ToList();
        async Task<List<string>> PagesAsync()
        {
            var seen = new List<string>();
            string? before = null;
            while ((await Log.QueryMessagesAsync(new WebhookMessageQuery { Tenant = "alice", Before = before, Limit = 1 }, default)).SingleOrDefault() is { } message)
            {
                seen.Add(before = message.Id);
            }

            return seen;
        }

        Assert.Equal([ids[3], ids[2], ids[1], ids[0]], await PagesAsync());
        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(ids[4], alices.Id, T0.AddMinutes(5), default)); // Bob's message, resent to alice's endpoint.
        Assert.Equal([ids[4], ids[3], ids[2], ids[1], ids[0]], await PagesAsync());
    }

    [SkippableFact]
    public async Task QueryDeliveries_OfAPageOfMessages_OnlyToTheTenantsEndpoints()
    {
        var alices = await CreateEndpointAsync("alice");
        var bobs = await CreateEndpointAsync("bob");
        var stored = await AppendExpandedAsync([Message(tenant: null), Message("alice"), Message("bob")], default);
        var ids = stored.Select(s => s.MessageId).ToList();
        async Task<IEnumerable<(string, string)>> DeliveriesAsync(string tenant, IReadOnlyList<string> messageIds) =>
            (await Log.QueryDeliveriesAsync(new WebhookDeliveryQuery { Tenant = tenant, MessageIds = messageIds }, default))
            .Select(d => (d.MessageId, d.EndpointId));

        Assert.Equal([(ids[0], alices.Id), (ids[1], alices.Id)], await DeliveriesAsync("alice", ids));
        Assert.Equal([(ids[0], bobs.Id), (ids[2], bobs.Id)], await DeliveriesAsync("bob", ids));
        Assert.Equal([(ids[2], bobs.Id)], await DeliveriesAsync("bob", [ids[2], "msg_unknown"]));
        Assert.Empty(await DeliveriesAsync("carol", ids));
        Assert.Empty(await DeliveriesAsync("alice", []));
    }

    [SkippableFact]
    public async Task Deliveries_CountTheAttemptsTheLogLists_ThroughResendRecoveryAndALostLease()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        async Task<(WebhookDeliveryStatus Status, int Counted, int Listed)> ReadAsync()
        {
            var page = new WebhookDeliveryQuery { Tenant = "alice", MessageIds = [stored.MessageId] };
            var delivery = Assert.Single(await Log.QueryDeliveriesAsync(page, default));
            Assert.Equal(delivery.Attempts, Assert.Single(await Log.ListDeliveriesAsync(stored.MessageId, default)).Attempts);
            var listed = await Log.QueryAttemptsAsync(new WebhookAttemptQuery { MessageId = stored.MessageId }, default);
            return (delivery.Status, delivery.Attempts, listed.Count);
        }

        async Task<WebhookLeasedDelivery> LeaseAsync(string owner, DateTimeOffset now) =>
            Assert.Single(await Queue.LeaseAsync(new(owner, now, now.AddSeconds(30), 10), default));

        // Two attempts, its retries used up.
        await Queue.CompleteAsync([Result(await LeaseAsync("w", T0), "w", WebhookDeliveryStatus.Pending, 500, T0.AddSeconds(5))], T0, default);
        var last = await LeaseAsync("w", T0.AddSeconds(5));
        await Queue.CompleteAsync([Result(last, "w", WebhookDeliveryStatus.Failed, 500)], T0.AddSeconds(6), default);
        Assert.Equal((WebhookDeliveryStatus.Failed, 2, 2), await ReadAsync());

        // Resent: a fresh retry schedule, the same count; its attempt fails.
        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored.MessageId, endpoint.Id, T0.AddMinutes(1), default));
        Assert.Equal((WebhookDeliveryStatus.Pending, 2, 2), await ReadAsync());
        var resent = await LeaseAsync("w", T0.AddMinutes(1));
        Assert.Equal(0, resent.Attempts);
        await Queue.CompleteAsync([Result(resent, "w", WebhookDeliveryStatus.Failed, 500)], T0.AddMinutes(1), default);
        Assert.Equal((WebhookDeliveryStatus.Failed, 3, 3), await ReadAsync());

        // Recovered: a slow dispatcher's lease runs out and a fast one's attempt succeeds; the slow one's late failure was sent,
        // so it is logged and counted, though it changes nothing else.
        Assert.Equal(1, await Queue.RecoverAsync(endpoint.Id, T0, T0.AddMinutes(2), default));
        var slow = await LeaseAsync("slow", T0.AddMinutes(2));
        var fast = await LeaseAsync("fast", T0.AddMinutes(3));
        await Queue.CompleteAsync([Result(fast, "fast", WebhookDeliveryStatus.Succeeded, 200)], T0.AddMinutes(3), default);
        await Queue.CompleteAsync([Result(slow, "slow", WebhookDeliveryStatus.Failed, 500)], T0.AddMinutes(3), default);
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 5, 5), await ReadAsync());
    }

    [SkippableFact]
    public async Task QueryAttempts_FiltersByTenantEndpointMessageOutcomeAndTime_NewestFirstInPages()
    {
        var alices = await CreateEndpointAsync("alice");
        var bobs = await CreateEndpointAsync("bob");
        var stored = await AppendExpandedAsync([Message("alice", at: T0), Message("bob", at: T0.AddSeconds(1))], default);
        var leased = await Queue.LeaseAsync(new("w", T0.AddSeconds(10), T0.AddSeconds(40), 10), default);
        await Queue.CompleteAsync(
            [Result(leased[0], "w", WebhookDeliveryStatus.Succeeded, 200), Result(leased[1], "w", WebhookDeliveryStatus.Pending, 500, next: T0.AddMinutes(1))],
            T0.AddSeconds(11),
            default);
        async Task<IEnumerable<string>> MessageIdsAsync(WebhookAttemptQuery query) => (await Log.QueryAttemptsAsync(query, default)).Select(a => a.MessageId);

        var all = await Log.QueryAttemptsAsync(new WebhookAttemptQuery(), default);
        Assert.Equal([stored[1].MessageId, stored[0].MessageId], all.Select(a => a.MessageId));
        Assert.True(all[0].Id > all[1].Id);
        Assert.Equal([stored[0].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { Tenant = "alice" }));
        Assert.Equal([stored[1].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { EndpointId = bobs.Id }));
        Assert.Equal([stored[0].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { MessageId = stored[0].MessageId }));
        Assert.Equal([stored[0].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { Succeeded = true }));
        Assert.Equal([stored[1].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { Succeeded = false }));
        Assert.Empty(await MessageIdsAsync(new WebhookAttemptQuery { Tenant = "alice", EndpointId = bobs.Id }));
        Assert.Empty(await MessageIdsAsync(new WebhookAttemptQuery { EventType = "invoice.paid" }));
        Assert.Equal(2, (await MessageIdsAsync(new WebhookAttemptQuery { Since = T0 })).Count());
        Assert.Empty(await MessageIdsAsync(new WebhookAttemptQuery { Until = T0 }));
        Assert.Equal([stored[0].MessageId], await MessageIdsAsync(new WebhookAttemptQuery { Before = all[0].Id, Limit = 1 }));
        Assert.Equal(alices.Id, all[1].EndpointId);
    }

    [SkippableFact]
    public async Task QueryAttemptStats_CountsATenantsAttemptsByEndpointAndHour_KeepingTheLatestFailure()
    {
        var alices = await CreateEndpointAsync("alice");
        var idle = await CreateEndpointAsync("alice", eventTypes: ["invoice.paid"]);
        var bobs = await CreateEndpointAsync("bob");
        await AppendExpandedAsync([Message("alice"), Message("alice"), Message("alice"), Message("alice"), Message("bob")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddMinutes(1), 10), default);
        var a = leased.Where(l => l.EndpointId == alices.Id).OrderBy(l => l.Id).ToList();
        var b = leased.Single(l => l.EndpointId == bobs.Id);
        WebhookCompletedAttempt At(WebhookLeasedDelivery delivery, TimeSpan after, int? status, WebhookAttemptErrorKind kind = WebhookAttemptErrorKind.HttpStatus) =>
            Result(delivery, "w", status is >= 200 and < 300 ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed, status ?? 0) with
            {
                StartedAt = T0 + after,
                StatusCode = status,
                ErrorKind = status is >= 200 and < 300 ? WebhookAttemptErrorKind.None : kind,
                Error = status is >= 200 and < 300 ? null : $"failed after {after}",
            };

        await Queue.CompleteAsync(
            [
                At(a[0], TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1), 200), // The last instant of hour 12.
                At(a[1], TimeSpan.FromMinutes(10), 500),
                At(a[2], TimeSpan.FromHours(1), null, WebhookAttemptErrorKind.Timeout), // The first instant of hour 13.
                At(b, TimeSpan.FromMinutes(5), 503),
            ],
            T0.AddHours(1),
            default);
        await Queue.CompleteAsync([At(a[3], TimeSpan.FromMinutes(5), 502)], T0.AddHours(1), default); // Late, and earlier than the 500.
        Task<IReadOnlyList<WebhookAttemptHour>> StatsAsync(string tenant, DateTimeOffset since, string? endpointId = null) =>
            Log.QueryAttemptStatsAsync(new WebhookAttemptStatsQuery { Tenant = tenant, EndpointId = endpointId, Since = since }, default);

        var hours = await StatsAsync("alice", T0);

        Assert.Equal(
            [
                new WebhookAttemptHour(
                    alices.Id, T0, 1, 2, new WebhookLastFailure(T0.AddMinutes(10), 500, WebhookAttemptErrorKind.HttpStatus, "failed after 00:10:00")),
                new WebhookAttemptHour(
                    alices.Id,
                    T0.AddHours(1),
                    0,
                    1,
                    new WebhookLastFailure(T0.AddHours(1), null, WebhookAttemptErrorKind.Timeout, "failed after 01:00:00")),
            ],
            hours);
        Assert.All(hours, h => Assert.Equal(TimeSpan.Zero, h.Start.Offset));
        Assert.Equal([T0.AddHours(1)], (await StatsAsync("alice", T0.AddHours(1))).Select(h => h.Start));
        Assert.Empty(await StatsAsync("alice", T0, idle.Id));
        Assert.Empty(await StatsAsync("alice", T0, bobs.Id)); // Another tenant's endpoint: nothing.
        Assert.Equal([(bobs.Id, T0, 0, 1)], (await StatsAsync("bob", T0)).Select(h => (h.EndpointId, h.Start, h.Succeeded, h.Failed)));

        // Purging keeps a week past the retention's cutoff: hour 12 goes, hour 13 stays.
        await Queue.PurgeAsync(T0.AddDays(7).AddHours(1), default);
        Assert.Equal([T0.AddHours(1)], (await StatsAsync("alice", T0.AddDays(-1))).Select(h => h.Start));
    }

    [SkippableFact]
    public async Task QueryLastSuccesses_AnswersEachEndpointsLatestSuccess_ThroughTheHoursItFailedSince()
    {
        var alices = await CreateEndpointAsync("alice");
        var failing = await CreateEndpointAsync("alice");
        var idle = await CreateEndpointAsync("alice", eventTypes: ["invoice.paid"]);
        var bobs = await CreateEndpointAsync("bob");
        await AppendExpandedAsync([.. Enumerable.Range(0, 5).Select(_ => Message("alice")), Message("bob")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddMinutes(1), 20), default);
        var a = leased.Where(l => l.EndpointId == alices.Id).OrderBy(l => l.Id).ToList();
        WebhookCompletedAttempt At(WebhookLeasedDelivery delivery, TimeSpan after, bool succeeded) =>
            Result(delivery, "w", succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed, succeeded ? 200 : 500) with
            {
                StartedAt = T0 + after,
            };

        // Alice's endpoint: successes in hour 12, the later one first; then failures in hours 13 and 14. The other fails only.
        await Queue.CompleteAsync(
            [
                At(a[0], TimeSpan.FromMinutes(50), succeeded: true),
                At(a[1], TimeSpan.FromHours(1), succeeded: false),
                At(leased.First(l => l.EndpointId == failing.Id), TimeSpan.FromMinutes(5), succeeded: false),
                At(leased.Single(l => l.EndpointId == bobs.Id), TimeSpan.FromMinutes(7), succeeded: true),
            ],
            T0.AddHours(1),
            default);
        await Queue.CompleteAsync([At(a[2], TimeSpan.FromMinutes(20), succeeded: true)], T0.AddHours(1), default); // Late, and earlier.
        await Queue.CompleteAsync([At(a[3], TimeSpan.FromHours(2), succeeded: false)], T0.AddHours(2), default);

        var successes = await Log.QueryLastSuccessesAsync("alice", null, default);

        Assert.Equal([(alices.Id, T0.AddMinutes(50))], successes.Select(s => (s.Key, s.Value)));
        Assert.Equal(TimeSpan.Zero, successes[alices.Id].Offset);
        Assert.Equal([alices.Id], (await Log.QueryLastSuccessesAsync("alice", alices.Id, default)).Keys);
        Assert.Empty(await Log.QueryLastSuccessesAsync("alice", failing.Id, default));
        Assert.Empty(await Log.QueryLastSuccessesAsync("alice", idle.Id, default));
        Assert.Empty(await Log.QueryLastSuccessesAsync("alice", bobs.Id, default)); // Another tenant's endpoint: nothing.
        Assert.Equal(
            [(bobs.Id, T0.AddMinutes(7))], (await Log.QueryLastSuccessesAsync("bob", null, default)).Select(s => (s.Key, s.Value)));

        // A success in a later hour is the latest; one purged with its hour is gone.
        await Queue.CompleteAsync([At(a[4], TimeSpan.FromHours(3).Add(TimeSpan.FromSeconds(1)), succeeded: true)], T0.AddHours(3), default);
        Assert.Equal(T0.AddHours(3).AddSeconds(1), (await Log.QueryLastSuccessesAsync("alice", null, default))[alices.Id]);
        await Queue.PurgeAsync(T0.AddDays(7).AddHours(4), default);
        Assert.Empty(await Log.QueryLastSuccessesAsync("alice", null, default));
    }
}
