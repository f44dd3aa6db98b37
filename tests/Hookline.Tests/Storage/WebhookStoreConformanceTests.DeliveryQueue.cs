using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>What every <see cref="IWebhookDeliveryQueue"/> must do: expand committed messages into deliveries, lease due deliveries, complete them with their attempts (and the endpoint's health), release, resend, recover, count the backlog and purge old messages.</summary>
public abstract partial class WebhookStoreConformanceTests
{
    [SkippableFact]
    public async Task Lease_DueDeliveries_OldestFirstUpToMaxWithEverythingToSendThem()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice", at: T0.AddSeconds(2)), Message("alice", at: T0), Message("alice", at: T0.AddSeconds(1)), Message("alice", at: T0.AddMinutes(5))], default);

        var leased = await Queue.LeaseAsync(new("worker-1", T0.AddSeconds(10), T0.AddSeconds(40), 2), default);

        Assert.Equal(2, leased.Count);
        var first = leased[0];
        Assert.Equal((0, "new-subscription", "POST", endpoint.Id, endpoint.Url), (first.Attempts, first.EventType, first.Method, first.EndpointId, first.Url));
        Assert.Equal(s_payload, first.Payload.ToArray());
        Assert.Equal(endpoint.Secrets, first.Secrets);
        var third = await Queue.LeaseAsync(new("worker-1", T0.AddSeconds(10), T0.AddSeconds(40), 10), default);
        Assert.Single(third);
        Assert.True(first.MessageId.CompareTo(leased[1].MessageId) != 0 && leased[1].MessageId != third[0].MessageId);
    }

    [SkippableFact]
    public async Task Lease_DueAtTheSameTime_LowerDeliveryIdFirst()
    {
        await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice"), Message("alice")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default);
        var (first, second) = (leased.Min(d => d.Id), leased.Max(d => d.Id));

        // Released one by one, the later delivery first: rows rewritten in that order must still come back in id order.
        await Queue.ReleaseAsync("w", [new(second, T0.AddSeconds(1))], default);
        await Queue.ReleaseAsync("w", [new(first, T0.AddSeconds(1))], default);

        Assert.Equal(first, Assert.Single(await Queue.LeaseAsync(new("w", T0.AddSeconds(1), T0.AddSeconds(31), 1), default)).Id);
    }

    [SkippableFact]
    public async Task Lease_ExpiredLease_IsLeasedAgain()
    {
        await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice")], default);
        var leased = Assert.Single(await Queue.LeaseAsync(new("crashed", T0, T0.AddSeconds(30), 10), default));

        Assert.Empty(await Queue.LeaseAsync(new("other", T0.AddSeconds(29), T0.AddSeconds(59), 10), default));
        var again = Assert.Single(await Queue.LeaseAsync(new("other", T0.AddSeconds(30), T0.AddSeconds(60), 10), default));

        Assert.Equal(leased.Id, again.Id);
    }

    [SkippableFact]
    public async Task Lease_ConcurrentLeasers_NeverGetTheSameDelivery()
    {
        const int Count = 200;
        await CreateEndpointAsync("alice");
        await AppendExpandedAsync([.. Enumerable.Range(0, Count).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);

        // Until all are leased: a lease may come back empty while another leases the same endpoint.
        var total = 0;
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var tries = 0; Volatile.Read(ref total) < Count && tries < 10 * Count; tries++)
            {
                var batch = await Queue.LeaseAsync(new($"leaser-{i}", T0.AddHours(1), T0.AddHours(2), 7), default);
                mine.AddRange(batch.Select(d => d.Id));
                Interlocked.Add(ref total, batch.Count);
            }

            return mine;
        })));

        var leased = batches.SelectMany(b => b).ToList();
        Assert.Equal(Count, leased.Count);
        Assert.Equal(Count, leased.Distinct().Count());
    }

    [SkippableFact]
    public async Task Lease_EndpointAtItsLimit_LeavesItsDeliveriesInPlaceButLeasesOtherEndpoints()
    {
        var busy = await CreateEndpointAsync("alice");
        var other = await CreateEndpointAsync("bob");
        var messages = await AppendExpandedAsync(
            [Message("alice", at: T0), Message("alice", at: T0.AddMilliseconds(1)), Message("bob", at: T0.AddMilliseconds(2))], default);
        var now = T0.AddMilliseconds(10);
        var first = Assert.Single(await Queue.LeaseAsync(new("w1", now, now.AddSeconds(30), 1) { MaxPerEndpoint = 1 }, default));

        var second = await Queue.LeaseAsync(new("w2", now, now.AddSeconds(30), 10) { MaxPerEndpoint = 1 }, default);

        Assert.Equal(busy.Id, first.EndpointId);
        Assert.Equal(other.Id, Assert.Single(second).EndpointId);
        // Not attempted, not counted, not moved: it keeps its place, ahead of anything published to the endpoint later.
        var held = Assert.Single(await Log.ListDeliveriesAsync(messages[1].MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Pending, 0, T0.AddMilliseconds(1)), (held.Status, held.Attempts, held.NextAttemptAt));
        await AppendExpandedAsync([Message("alice", at: T0.AddMilliseconds(20))], default);
        var again = now.AddMilliseconds(50);
        Assert.Empty(await Queue.LeaseAsync(new("w2", again, again.AddSeconds(30), 10) { MaxPerEndpoint = 1 }, default));
        var freed = again.AddMilliseconds(50);
        var next = Assert.Single(await Queue.LeaseAsync(new("w2", freed, freed.AddSeconds(30), 10) { MaxPerEndpoint = 2 }, default));
        Assert.Equal(messages[1].MessageId, next.MessageId);
    }

    [SkippableFact]
    public async Task Lease_EndpointAtItsLimit_TakesMoreOnceALeaseRunsOutOrIsCompleted()
    {
        await CreateEndpointAsync("alice");
        var messages = await AppendExpandedAsync([.. Enumerable.Range(0, 4).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);
        var now = T0.AddMilliseconds(10);
        Assert.Equal(2, (await Queue.LeaseAsync(new("crashed", now, T0.AddSeconds(30), 10) { MaxPerEndpoint = 2 }, default)).Count);

        // At T0 + 30 s both leases have run out: they no longer count (and their deliveries are due again).
        var afterExpiry = await Queue.LeaseAsync(new("w", T0.AddSeconds(30), T0.AddSeconds(60), 10) { MaxPerEndpoint = 2 }, default);
        Assert.Equal(2, afterExpiry.Count);
        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddSeconds(31), T0.AddSeconds(61), 10) { MaxPerEndpoint = 2 }, default));

        await Queue.CompleteAsync([Result(afterExpiry[0], "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddSeconds(31), default);
        Assert.Single(await Queue.LeaseAsync(new("w", T0.AddSeconds(32), T0.AddSeconds(62), 10) { MaxPerEndpoint = 2 }, default));
        var attempts = new List<int>();
        foreach (var message in messages)
        {
            attempts.AddRange((await Log.ListDeliveriesAsync(message.MessageId, default)).Select(d => d.Attempts));
        }

        Assert.Equal(1, attempts.Sum()); // Only the completed one was attempted; holding back counted nothing.
    }

    [SkippableFact]
    public async Task Lease_WithCompletedAttempts_RecordsThemFirstAndTheirSlotsAreFreeForThisLease()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var messages = await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddMilliseconds(1))], default);
        var first = Assert.Single(await Queue.LeaseAsync(new("w", T0.AddSeconds(1), T0.AddSeconds(30), 10) { MaxPerEndpoint = 1 }, default));

        var request = new WebhookLeaseRequest("w", T0.AddSeconds(2), T0.AddSeconds(30), 10)
        {
            MaxPerEndpoint = 1,
            Completed = [Result(first, "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddMinutes(5))],
        };
        var second = Assert.Single(await Queue.LeaseAsync(request, default));

        Assert.Equal(messages[1].MessageId, second.MessageId); // The endpoint's one slot was free: the first attempt is done.
        var retrying = Assert.Single(await Log.ListDeliveriesAsync(messages[0].MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Pending, 1, T0.AddMinutes(5)), (retrying.Status, retrying.Attempts, retrying.NextAttemptAt));
        Assert.Equal(503, Assert.Single(await Log.ListAttemptsAsync(messages[0].MessageId, default)).StatusCode);
        Assert.Equal(T0, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.FailingSince); // The attempt started at T0.
    }

    [SkippableFact]
    public async Task Lease_NextDueAt_IsTheEarliestPendingDeliveryLeftAfterTheLease()
    {
        await CreateEndpointAsync("alice");
        Assert.Null((await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default)).NextDueAt); // Nothing pending.
        await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddMinutes(5))], default);

        var leased = await Queue.LeaseAsync(new("w", T0.AddSeconds(1), T0.AddSeconds(31), 10), default);
        var retrying = await Queue.LeaseAsync(
            new("w", T0.AddSeconds(2), T0.AddSeconds(32), 10)
            {
                Completed = [Result(Assert.Single(leased), "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddSeconds(7))],
            },
            default);

        Assert.Equal(T0.AddSeconds(31), leased.NextDueAt); // The end of its own lease comes before the message due at T0 + 5 min.
        Assert.Empty(retrying);
        Assert.Equal(T0.AddSeconds(7), retrying.NextDueAt); // The retry it recorded comes first.
    }

    [SkippableFact]
    public async Task Lease_RateLimitedEndpoint_OneSendPerIntervalOldestFirst()
    {
        var limited = await CreateEndpointAsync("alice", rateLimit: 4); // One send every 250 ms.
        var free = await CreateEndpointAsync("bob");
        var messages = await AppendExpandedAsync(
            [
                Message("alice", at: T0), Message("alice", at: T0.AddMilliseconds(100)), Message("alice", at: T0.AddMilliseconds(101)),
                Message("bob", at: T0.AddMilliseconds(100)),
            ],
            default);
        Assert.Equal(messages[0].MessageId, Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default)).MessageId);

        var within = await Queue.LeaseAsync(new("w", T0.AddMilliseconds(150), T0.AddSeconds(30), 10), default);

        Assert.Equal(free.Id, Assert.Single(within).EndpointId);
        Assert.Equal(T0.AddMilliseconds(250), within.NextDueAt); // The endpoint's next send.
        var held = (await Log.ListDeliveriesAsync(messages[1].MessageId, default))
            .Concat(await Log.ListDeliveriesAsync(messages[2].MessageId, default));
        Assert.Equal(
            [(WebhookDeliveryStatus.Pending, 0, T0.AddMilliseconds(100)), (WebhookDeliveryStatus.Pending, 0, T0.AddMilliseconds(101))],
            held.Select(d => (d.Status, d.Attempts, d.NextAttemptAt)));
        Assert.Empty(await Queue.LeaseAsync(new("other", T0.AddMilliseconds(249), T0.AddSeconds(30), 10), default));
        var next = await Queue.LeaseAsync(new("other", T0.AddMilliseconds(250), T0.AddSeconds(30), 10), default);
        Assert.Equal((limited.Id, messages[1].MessageId), (Assert.Single(next).EndpointId, next[0].MessageId));
        Assert.Equal(T0.AddMilliseconds(500), next.NextDueAt);
        Assert.Equal(messages[2].MessageId, Assert.Single(await Queue.LeaseAsync(new("w", T0.AddMilliseconds(500), T0.AddSeconds(30), 10), default)).MessageId);
    }

    [SkippableFact]
    public async Task Lease_TenantsWithWork_TakeTheSlotsInTurnFewestHeldFirst()
    {
        var a1 = await CreateEndpointAsync("a");
        var a2 = await CreateEndpointAsync("a");
        var b = await CreateEndpointAsync("b");
        var backlog = await AppendExpandedAsync([.. Enumerable.Range(0, 10).Select(i => Message("a", at: T0.AddMilliseconds(i)))], default);
        var late = await AppendExpandedAsync([.. Enumerable.Range(0, 3).Select(i => Message("b", at: T0.AddSeconds(1).AddMilliseconds(i)))], default);
        var now = T0.AddSeconds(2);

        // The dispatcher already attempts 2 of a's deliveries: b, with none, is given slots until level, then they alternate.
        var leased = await Queue.LeaseAsync(
            new("w", now, now.AddSeconds(30), 5) { InFlight = new Dictionary<string, int> { ["a"] = 2 } }, default);

        Assert.Equal(
            [b.Id, b.Id, (a1.Id, a2.Id).ToString(), b.Id, (a1.Id, a2.Id).ToString()],
            leased.Select(d => d.EndpointId == b.Id ? b.Id : (a1.Id, a2.Id).ToString()));
        Assert.Equal(late.Select(m => m.MessageId), leased.Where(d => d.EndpointId == b.Id).Select(d => d.MessageId));
        // Within a, each endpoint's oldest first, the two endpoints in turn.
        Assert.Equal(2, leased.Where(d => d.EndpointId != b.Id).Select(d => d.EndpointId).Distinct().Count());
        Assert.All(leased.Where(d => d.EndpointId != b.Id), d => Assert.Contains(d.MessageId, backlog.Take(2).Select(m => m.MessageId)));
    }

    [SkippableFact]
    public async Task Lease_AnEndpointServed_GoesBehindTheEndpointsThatWaitedLonger()
    {
        var early = await CreateEndpointAsync("a");
        var later = await CreateEndpointAsync("a");
        await AppendExpandedAsync([.. Enumerable.Range(0, 5).Select(i => Message("a", at: T0.AddMilliseconds(i)))], default);
        var current = (await Endpoints.GetEndpointAsync(early.Id, default))!;
        Assert.Equal(
            WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(current with { EventTypes = ["other"] }, default));
        await AppendExpandedAsync([Message("a", at: T0.AddSeconds(1))], default); // To the later endpoint only.
        Assert.Equal(
            WebhookEndpointWrite.Written,
            await Endpoints.UpdateEndpointAsync((await Endpoints.GetEndpointAsync(early.Id, default))! with { EventTypes = null }, default));

        // One slot at a time: the early endpoint's backlog is older, yet the later endpoint is served second.
        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var now = T0.AddSeconds(2 + i);
            order.Add(Assert.Single(await Queue.LeaseAsync(new("w", now, now.AddSeconds(30), 1), default)).EndpointId);
        }

        Assert.Equal([early.Id, later.Id, early.Id], order);
    }

    [SkippableFact]
    public async Task Lease_NewEndpoint_OneAtATimeUntilASuccess()
    {
        var endpoint = await CreateEndpointAsync("alice", proven: false);
        await AppendExpandedAsync([.. Enumerable.Range(0, 4).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);
        var probe = Assert.Single(await Queue.LeaseAsync(new("w", T0.AddSeconds(1), T0.AddSeconds(31), 10) { MaxPerEndpoint = 8 }, default));
        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddSeconds(2), T0.AddSeconds(32), 10) { MaxPerEndpoint = 8 }, default));

        var request = new WebhookLeaseRequest("w", T0.AddSeconds(3), T0.AddSeconds(33), 10)
        {
            MaxPerEndpoint = 8,
            Completed = [Result(probe, "w", WebhookDeliveryStatus.Succeeded, 200)],
        };

        Assert.Equal(3, (await Queue.LeaseAsync(request, default)).Count);
        Assert.Equal(0, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.ConsecutiveFailures);
    }

    [SkippableFact]
    public async Task Lease_FailuresInARow_OpenTheCircuitLeavingItsDeliveriesInPlaceThenOneProbe()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var messages = await AppendExpandedAsync([.. Enumerable.Range(0, 6).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);
        var breaker = new WebhookCircuitBreakerOptions { FailureThreshold = 2, BreakDuration = TimeSpan.FromSeconds(10) };
        WebhookLeaseRequest Lease(int seconds, params WebhookCompletedAttempt[] completed) =>
            new("w", T0.AddSeconds(seconds), T0.AddSeconds(seconds + 30), 10) { MaxPerEndpoint = 8, CircuitBreaker = breaker, Completed = completed };
        var first = await Queue.LeaseAsync(Lease(1), default);
        Assert.Equal(6, first.Count);

        // Two failures in a row (started at T0 + 1 s): open until T0 + 11 s. The four in flight end meanwhile, as retries.
        var failed = first.Take(2).Select(d => Result(d, "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddSeconds(2)) with { StartedAt = T0.AddSeconds(1) });
        var open = await Queue.LeaseAsync(Lease(2, [.. failed]), default);
        var stored = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((2, T0.AddSeconds(1)), (stored.ConsecutiveFailures, stored.LastFailedAt));
        Assert.Empty(open);
        Assert.Equal(T0.AddSeconds(11), open.NextDueAt);
        var retrying = first.Skip(2).Select(d => Result(d, "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddSeconds(3)) with { StartedAt = T0.AddSeconds(1) });
        Assert.Empty(await Queue.LeaseAsync(Lease(3, [.. retrying]), default));
        Assert.Empty(await Queue.LeaseAsync(Lease(10), default));
        Assert.Equal([1, 1, 1, 1, 1, 1], await AttemptsAsync(messages));

        // Its break over: one probe, the oldest due. Failed: open again for as long as it has failed (10 s). Then a probe that
        // succeeds closes it.
        var probe = Assert.Single(await Queue.LeaseAsync(Lease(11), default));
        Assert.Equal(messages[0].MessageId, probe.MessageId);
        var reopened = await Queue.LeaseAsync(Lease(12, Result(probe, "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddSeconds(12)) with { StartedAt = T0.AddSeconds(11) }), default);
        Assert.Empty(reopened);
        Assert.Equal(T0.AddSeconds(21), reopened.NextDueAt);
        var second = Assert.Single(await Queue.LeaseAsync(Lease(21), default));
        var closed = await Queue.LeaseAsync(Lease(22, Result(second, "w", WebhookDeliveryStatus.Succeeded, 200) with { StartedAt = T0.AddSeconds(21) }), default);
        Assert.Equal(5, closed.Count);
        Assert.Equal(0, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.ConsecutiveFailures);
    }

    [SkippableFact]
    public async Task Lease_RateLimitChanged_AppliesToTheNextLease()
    {
        var endpoint = await CreateEndpointAsync("alice", rateLimit: 1);
        await AppendExpandedAsync(
            [Message("alice", at: T0), Message("alice", at: T0), Message("alice", at: T0), Message("alice", at: T0.AddSeconds(3))], default);
        Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default)); // The others wait for T0 + 1 s and + 2 s.

        var current = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.UpdateEndpointAsync(current with { RateLimit = null }, default));

        Assert.Equal(3, (await Queue.LeaseAsync(new("w", T0.AddSeconds(3), T0.AddSeconds(30), 10), default)).Count);
    }

    [SkippableFact]
    public async Task Complete_Success_RecordsTheAttemptAndEndsTheDelivery()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));

        await Queue.CompleteAsync([Result(leased, "w", WebhookDeliveryStatus.Succeeded, 204)], T0.AddSeconds(1), default);

        var delivery = Assert.Single(await Log.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));
        var attempt = Assert.Single(await Log.ListAttemptsAsync(stored.MessageId, default));
        Assert.Equal(new WebhookAttempt(attempt.Id, leased.Id, stored.MessageId, endpoint.Id, "new-subscription", T0, TimeSpan.FromMilliseconds(12.5), 204, "ok", WebhookAttemptErrorKind.None, null), attempt);
        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddHours(1), T0.AddHours(2), 10), default));
        Assert.Null((await Endpoints.GetEndpointAsync(endpoint.Id, default))!.FailingSince);
    }

    [SkippableFact]
    public async Task Complete_ResponseBodyAndErrorOfAnyText_AreStoredAsGiven()
    {
        await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));
        const string Body = "{\"a\":\"\\\"\"}\r\n\t<b>&amp;</b> '; DROP TABLE attempts; -- é 日本 🎉 \u0001 ] [ null";
        const string Error = "Bad \"gateway\" \\ 💥";

        await Queue.CompleteAsync(
            [Result(leased, "w", WebhookDeliveryStatus.Pending, 502, next: T0.AddMinutes(1)) with { ResponseBody = Body, Error = Error }],
            T0,
            default);

        var attempt = Assert.Single(await Log.ListAttemptsAsync(stored.MessageId, default));
        Assert.Equal((Body, Error), (attempt.ResponseBody, attempt.Error));
    }

    [SkippableFact]
    public async Task Complete_Retry_SchedulesTheNextAttemptAndMarksTheEndpointFailing()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice")], default);
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));

        await Queue.CompleteAsync([Result(leased, "w", WebhookDeliveryStatus.Pending, 500, next: T0.AddSeconds(5))], T0, default);

        Assert.Empty(await Queue.LeaseAsync(new("w", T0.AddSeconds(4), T0.AddSeconds(34), 10), default));
        var again = Assert.Single(await Queue.LeaseAsync(new("w", T0.AddSeconds(5), T0.AddSeconds(35), 10), default));
        Assert.Equal(1, again.Attempts);
        Assert.Equal(T0, again.FailingSince);
        Assert.Equal(T0, (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.FailingSince);

        await Queue.CompleteAsync([Result(again, "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddSeconds(6), default);
        Assert.Null((await Endpoints.GetEndpointAsync(endpoint.Id, default))!.FailingSince);
    }

    [SkippableFact]
    public async Task Complete_ABatchOfMixedOutcomes_TheEndpointsLatestAttemptDecidesItsHealth()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([.. Enumerable.Range(0, 6).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);
        var leased = await Queue.LeaseAsync(new("w", T0.AddSeconds(1), T0.AddSeconds(30), 10), default);
        WebhookCompletedAttempt At(int second, WebhookDeliveryStatus status, int statusCode) =>
            Result(leased[second], "w", status, statusCode, next: status == WebhookDeliveryStatus.Pending ? T0.AddHours(1) : null)
            with { StartedAt = T0.AddSeconds(second) };
        async Task<DateTimeOffset?> FailingSinceAsync() => (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.FailingSince;

        await Queue.CompleteAsync(
            [At(0, WebhookDeliveryStatus.Pending, 500), At(1, WebhookDeliveryStatus.Succeeded, 200), At(2, WebhookDeliveryStatus.Pending, 502), At(3, WebhookDeliveryStatus.Failed, 500)],
            T0.AddSeconds(4),
            default);
        Assert.Equal(T0.AddSeconds(2), await FailingSinceAsync()); // The first failure after the latest success.

        await Queue.CompleteAsync([At(4, WebhookDeliveryStatus.Pending, 503), At(5, WebhookDeliveryStatus.Succeeded, 204)], T0.AddSeconds(6), default);
        Assert.Null(await FailingSinceAsync());
        foreach (var delivery in leased)
        {
            Assert.Single(await Log.ListAttemptsAsync(delivery.MessageId, default));
        }
    }

    [SkippableFact]
    public async Task Complete_ByAnOwnerWhoseLeaseWasTaken_DoesNotChangeTheDelivery()
    {
        await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var stale = Assert.Single(await Queue.LeaseAsync(new("slow", T0, T0.AddSeconds(30), 10), default));
        Assert.Single(await Queue.LeaseAsync(new("fast", T0.AddSeconds(30), T0.AddSeconds(60), 10), default));

        await Queue.CompleteAsync([Result(stale, "slow", WebhookDeliveryStatus.Failed, 500)], T0.AddSeconds(31), default);

        // Its attempt was sent: logged, and so counted; its outcome is not applied.
        var delivery = Assert.Single(await Log.ListDeliveriesAsync(stored.MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Pending, 1), (delivery.Status, delivery.Attempts));
        Assert.Single(await Log.ListAttemptsAsync(stored.MessageId, default));
        Assert.Equal(0, Assert.Single(await Queue.LeaseAsync(new("other", T0.AddSeconds(61), T0.AddSeconds(91), 10), default)).Attempts);
    }

    [SkippableFact]
    public async Task Complete_ByAnOwnerWhoseLeaseWasTaken_LeavesTheEndpointsHealthAndStateAsTheNewOwnerLeftThem()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var other = await CreateEndpointAsync("bob");
        await AppendExpandedAsync([Message("alice")], default);
        var stale = Assert.Single(await Queue.LeaseAsync(new("slow", T0, T0.AddSeconds(30), 10), default));
        var taken = Assert.Single(await Queue.LeaseAsync(new("fast", T0.AddSeconds(30), T0.AddSeconds(60), 10), default));
        await Queue.CompleteAsync([Result(taken, "fast", WebhookDeliveryStatus.Succeeded, 200) with { StartedAt = T0.AddSeconds(30) }], T0.AddSeconds(31), default);
        await AppendExpandedAsync([Message("bob", at: T0.AddSeconds(31))], default);
        var stillOurs = Assert.Single(await Queue.LeaseAsync(new("slow", T0.AddSeconds(31), T0.AddSeconds(61), 10), default));

        await Queue.CompleteAsync(
            [
                Result(stale, "slow", WebhookDeliveryStatus.Failed, 410) with { DisableEndpointReason = "It answered 410 Gone." },
                Result(stillOurs, "slow", WebhookDeliveryStatus.Pending, 500, next: T0.AddMinutes(1)) with { StartedAt = T0.AddSeconds(31) },
            ],
            T0.AddSeconds(32),
            default);

        var after = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((true, (DateTimeOffset?)null), (after.Enabled, after.FailingSince));
        Assert.Equal(2, (await Log.ListAttemptsAsync(taken.MessageId, default)).Count); // The stale attempt is still logged.
        Assert.Equal(T0.AddSeconds(31), (await Endpoints.GetEndpointAsync(other.Id, default))!.FailingSince); // The batch's other attempt counts.
    }

    [SkippableFact]
    public async Task Complete_ABatchThatDisablesTheEndpoint_AppliesEveryAttemptOfItWhateverItsOrder()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var messages = await AppendExpandedAsync([Message("alice"), Message("alice"), Message("alice", at: T0.AddMinutes(1))], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 2), default);

        await Queue.CompleteAsync(
            [
                Result(leased[0], "w", WebhookDeliveryStatus.Failed, 410) with { DisableEndpointReason = "It answered 410 Gone." },
                Result(leased[1], "w", WebhookDeliveryStatus.Succeeded, 200) with { StartedAt = T0.AddSeconds(1) },
            ],
            T0.AddSeconds(2),
            default);

        async Task<(WebhookDeliveryStatus, int)> DeliveryAsync(WebhookPublishResult message)
        {
            var delivery = Assert.Single(await Log.ListDeliveriesAsync(message.MessageId, default));
            return (delivery.Status, delivery.Attempts);
        }

        Assert.Equal((WebhookDeliveryStatus.Failed, 1), await DeliveryAsync(messages[0]));
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), await DeliveryAsync(messages[1]));
        Assert.Equal((WebhookDeliveryStatus.Failed, 0), await DeliveryAsync(messages[2])); // Pending, never sent: failed with its endpoint.
        var disabled = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((false, "It answered 410 Gone.", (DateTimeOffset?)null), (disabled.Enabled, disabled.DisabledReason, disabled.FailingSince));
    }

    [SkippableFact]
    public async Task Complete_AfterItsEndpointWasDeleted_RecordsTheRestAndLeavesNothingOfIt()
    {
        var deleted = await CreateEndpointAsync("alice");
        await CreateEndpointAsync("carol");
        var kept = (await AppendExpandedAsync([Message("carol")], default))[0];
        await AppendExpandedAsync([Message("alice")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default);
        Assert.Equal(2, leased.Count);
        Assert.Equal(WebhookEndpointWrite.Written, await Endpoints.DeleteEndpointAsync(deleted.Id, null, default));

        await Queue.CompleteAsync(
            [.. leased.Select(l => Result(l, "w", WebhookDeliveryStatus.Succeeded, 200) with { ResponseBody = $"for {l.EndpointId}" })],
            T0.AddSeconds(1),
            default);

        var delivery = Assert.Single(await Log.ListDeliveriesAsync(kept.MessageId, default));
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));
        // A delivery made after the delete (SQLite may give it the deleted delivery's id) has no attempt but its own.
        await CreateEndpointAsync("bob");
        var later = (await AppendExpandedAsync([Message("bob")], default))[0];
        Assert.Empty(await Log.ListAttemptsAsync(later.MessageId, default));
        Assert.Single(await Log.ListAttemptsAsync(kept.MessageId, default));
    }

    [SkippableFact]
    public async Task Complete_HealthChanges_RaiseTheEndpointsVersion()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice"), Message("alice"), Message("alice"), Message("alice")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default);
        async Task<long> VersionAfterAsync(WebhookCompletedAttempt result)
        {
            await Queue.CompleteAsync([result], T0.AddSeconds(1), default);
            return (await Endpoints.GetEndpointAsync(endpoint.Id, default))!.Version;
        }

        Assert.Equal(2, await VersionAfterAsync(Result(leased[0], "w", WebhookDeliveryStatus.Pending, 500, next: T0.AddMinutes(1)))); // Failing since.
        Assert.Equal(3, await VersionAfterAsync(Result(leased[1], "w", WebhookDeliveryStatus.Pending, 500, next: T0.AddMinutes(1)))); // Two in a row.
        Assert.Equal(4, await VersionAfterAsync(Result(leased[2], "w", WebhookDeliveryStatus.Succeeded, 200))); // Failing no more.
        Assert.InRange(await VersionAfterAsync(Result(leased[3], "w", WebhookDeliveryStatus.Failed, 410) with { DisableEndpointReason = "410 Gone" }), 5, long.MaxValue);
        var disabled = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        Assert.Equal((false, "410 Gone"), (disabled.Enabled, disabled.DisabledReason));

        // A change written from the version read before the dispatcher's would undo them: refused.
        Assert.Equal(WebhookEndpointWrite.Stale, await Endpoints.UpdateEndpointAsync(endpoint with { Description = "stale" }, default));
    }

    [SkippableFact]
    public async Task Release_MakesLeasedDeliveriesDueAtOnce()
    {
        await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice")], default);
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));

        await Queue.ReleaseAsync("w", [new(leased.Id, T0.AddSeconds(1))], default);

        Assert.Single(await Queue.LeaseAsync(new("other", T0.AddSeconds(1), T0.AddSeconds(31), 10), default));
    }

    [SkippableFact]
    public async Task Resend_FailedDelivery_IsPendingAgainWithAFreshSchedule()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var leased = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));
        await Queue.CompleteAsync([Result(leased, "w", WebhookDeliveryStatus.Failed, 500)], T0, default);

        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored.MessageId, endpoint.Id, T0.AddHours(1), default));

        var again = Assert.Single(await Queue.LeaseAsync(new("w", T0.AddHours(1), T0.AddHours(2), 10), default));
        Assert.Equal((stored.MessageId, 0), (again.MessageId, again.Attempts));
        Assert.Equal(WebhookResendOutcome.NotFound, await Queue.ResendAsync("msg_unknown", endpoint.Id, T0, default));
        Assert.Equal(WebhookResendOutcome.NotFound, await Queue.ResendAsync(stored.MessageId, "ep_unknown", T0, default));
    }

    [SkippableFact]
    public async Task Resend_ToAnotherEndpoint_CreatesItsDelivery()
    {
        await CreateEndpointAsync("alice");
        var stored = (await AppendExpandedAsync([Message("alice")], default))[0];
        var later = await CreateEndpointAsync("alice");

        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored.MessageId, later.Id, T0, default));

        Assert.Equal(2, (await Log.ListDeliveriesAsync(stored.MessageId, default)).Count);
    }

    [SkippableFact]
    public async Task Resend_DeliveryInFlight_IsLeftToItsAttempt_AndSaysSo()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = await AppendExpandedAsync([Message("alice"), Message("alice")], default);
        var leased = await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default);
        var inFlight = leased.Single(l => l.MessageId == stored[0].MessageId);

        Assert.Equal(WebhookResendOutcome.InFlight, await Queue.ResendAsync(stored[0].MessageId, endpoint.Id, T0.AddSeconds(10), default));

        // Still leased to w: no other dispatcher sends it meanwhile, and w's attempt is recorded as the delivery's outcome.
        Assert.Empty(await Queue.LeaseAsync(new("other", T0.AddSeconds(10), T0.AddSeconds(40), 10), default));
        await Queue.CompleteAsync([Result(inFlight, "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddSeconds(11), default);
        var delivery = (await Log.ListDeliveriesAsync(stored[0].MessageId, default)).Single();
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (delivery.Status, delivery.Attempts));

        // Once the attempt has ended, or its lease has run out (its dispatcher crashed), a resend goes through.
        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored[0].MessageId, endpoint.Id, T0.AddSeconds(12), default));
        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored[1].MessageId, endpoint.Id, T0.AddSeconds(30), default));
        var again = await Queue.LeaseAsync(new("other", T0.AddSeconds(30), T0.AddSeconds(60), 10), default);
        Assert.Equal([stored[0].MessageId, stored[1].MessageId], again.Select(l => l.MessageId).Order(StringComparer.Ordinal));
        Assert.All(again, l => Assert.Equal(0, l.Attempts));
    }

    [SkippableFact]
    public async Task Recover_FailedDeliveriesSinceATime_ArePendingAgain()
    {
        var endpoint = await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddHours(2)), Message("alice", at: T0.AddHours(3))], default);
        var leased = await Queue.LeaseAsync(new("w", T0.AddHours(3), T0.AddHours(4), 10), default);
        await Queue.CompleteAsync([.. leased.Take(2).Select(l => Result(l, "w", WebhookDeliveryStatus.Failed, 500)), Result(leased[2], "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddHours(3), default);

        var recovered = await Queue.RecoverAsync(endpoint.Id, T0.AddHours(1), T0.AddHours(5), default);

        Assert.Equal(1, recovered);
        Assert.Single(await Queue.LeaseAsync(new("w", T0.AddHours(5), T0.AddHours(6), 10), default));
    }

    [SkippableFact]
    public async Task Recover_WhileADisabledEndpointsAttemptIsInFlight_WaitsForItsOutcomeRatherThanSendingItTwice()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var message = (await AppendExpandedAsync([Message("alice")], default))[0];
        var inFlight = Assert.Single(await Queue.LeaseAsync(new("w", T0, T0.AddSeconds(30), 10), default));
        var stored = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        await Endpoints.UpdateEndpointAsync(stored with { Enabled = false }, default);
        stored = (await Endpoints.GetEndpointAsync(endpoint.Id, default))!;
        await Endpoints.UpdateEndpointAsync(stored with { Enabled = true }, default);

        Assert.Equal(1, await Queue.RecoverAsync(endpoint.Id, T0, T0.AddSeconds(1), default));

        Assert.Empty(await Queue.LeaseAsync(new("w2", T0.AddSeconds(2), T0.AddSeconds(32), 10), default));
        await Queue.CompleteAsync([Result(inFlight, "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddSeconds(3), default);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, Assert.Single(await Log.ListDeliveriesAsync(message.MessageId, default)).Status);
        Assert.Empty(await Queue.LeaseAsync(new("w2", T0.AddSeconds(31), T0.AddSeconds(61), 10), default));
    }

    [SkippableFact]
    public async Task Backlog_CountsPendingAndTheOldestDue()
    {
        await CreateEndpointAsync("alice");
        await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddSeconds(5)), Message("alice", at: T0.AddHours(1))], default);

        Assert.Equal(new WebhookBacklog(3, T0), await Queue.GetBacklogAsync(T0.AddSeconds(10), default));
        var leased = await Queue.LeaseAsync(new("w", T0.AddSeconds(10), T0.AddSeconds(40), 1), default);
        Assert.Equal(new WebhookBacklog(3, T0.AddSeconds(5)), await Queue.GetBacklogAsync(T0.AddSeconds(10), default));

        // Its attempt failed: the endpoint counts as failing.
        await Queue.CompleteAsync([Result(Assert.Single(leased), "w", WebhookDeliveryStatus.Pending, 503, next: T0.AddMinutes(1))], T0.AddSeconds(11), default);
        Assert.Equal(new WebhookBacklog(3, T0.AddSeconds(5), 1), await Queue.GetBacklogAsync(T0.AddSeconds(11), default));
    }

    [SkippableFact]
    public async Task Purge_OldFinishedMessages_GoWithTheirDeliveriesAndAttempts()
    {
        await CreateEndpointAsync("alice");
        var messages = await AppendExpandedAsync([Message("alice", at: T0), Message("alice", at: T0.AddDays(1)), Message("alice", at: T0.AddDays(40))], default);
        var leased = await Queue.LeaseAsync(new("w", T0.AddDays(1), T0.AddDays(2), 1), default);
        await Queue.CompleteAsync([Result(leased[0], "w", WebhookDeliveryStatus.Succeeded, 200)], T0.AddDays(1), default);

        var purged = await Queue.PurgeAsync(T0.AddDays(30), default);

        Assert.Equal(1, purged);
        Assert.Empty(await Log.ListDeliveriesAsync(messages[0].MessageId, default));
        Assert.Empty(await Log.ListAttemptsAsync(messages[0].MessageId, default));
        Assert.Single(await Log.ListDeliveriesAsync(messages[1].MessageId, default));
        Assert.Single(await Log.ListDeliveriesAsync(messages[2].MessageId, default));
    }

    [SkippableFact]
    public async Task Purge_UnexpandedMessage_IsKept()
    {
        var stored = (await Messages.AppendAsync([Message("alice", at: T0)], default))[0];

        Assert.Equal(0, await Queue.PurgeAsync(T0.AddDays(30), default));

        Assert.NotNull(await Log.GetMessageAsync(stored.MessageId, default));
    }

    [SkippableFact]
    public async Task Expand_FansOutToTheTenantsEnabledMatchingEndpoints()
    {
        var all = await CreateEndpointAsync("alice");
        var matching = await CreateEndpointAsync("alice", ["new-subscription"]);
        await CreateEndpointAsync("alice", ["invoice.paid"]);
        await CreateEndpointAsync("bob");
        var disabled = await CreateEndpointAsync("alice");
        await Endpoints.UpdateEndpointAsync(disabled with { Enabled = false, DisabledReason = "test" }, default);
        var stored = (await Messages.AppendAsync([Message("alice")], default))[0];

        Assert.Equal(1, await Queue.ExpandAsync(T0.AddSeconds(1), 10, default));

        var deliveries = await Log.ListDeliveriesAsync(stored.MessageId, default);
        Assert.Equal(new[] { all.Id, matching.Id }.Order(), deliveries.Select(d => d.EndpointId).Order());
        Assert.All(deliveries, d => Assert.Equal((WebhookDeliveryStatus.Pending, 0, T0), (d.Status, d.Attempts, d.NextAttemptAt)));
        Assert.Equal(2, (await Queue.GetBacklogAsync(T0, default)).Pending);
    }

    [SkippableFact]
    public async Task Expand_NoTenant_GoesToEveryTenant()
    {
        await CreateEndpointAsync("alice");
        await CreateEndpointAsync("bob");
        var stored = (await Messages.AppendAsync([Message(tenant: null)], default))[0];

        await Queue.ExpandAsync(T0, 10, default);

        Assert.Equal(2, (await Log.ListDeliveriesAsync(stored.MessageId, default)).Count);
    }

    [SkippableFact]
    public async Task Expand_TargetEndpoint_GoesThereOnlyIfEnabled()
    {
        await CreateEndpointAsync("alice");
        var target = await CreateEndpointAsync("alice", ["invoice.paid"]);
        var disabled = await CreateEndpointAsync("alice");
        await Endpoints.UpdateEndpointAsync(disabled with { Enabled = false, DisabledReason = "test" }, default);
        var stored = await Messages.AppendAsync([Message("alice", endpointId: target.Id), Message("alice", endpointId: disabled.Id)], default);

        Assert.Equal(2, await Queue.ExpandAsync(T0, 10, default));

        Assert.Empty(await Log.ListDeliveriesAsync(stored[0].MessageId, default)); // Its event filter does not take the webhook.
        Assert.Empty(await Log.ListDeliveriesAsync(stored[1].MessageId, default));
        var test = (await Messages.AppendAsync([Message("alice", endpointId: (await CreateEndpointAsync("alice")).Id)], default))[0];
        await Queue.ExpandAsync(T0, 10, default);
        Assert.Single(await Log.ListDeliveriesAsync(test.MessageId, default));
    }

    [SkippableFact]
    public async Task Expand_OldestFirstUpToMax_AndEachMessageOnce()
    {
        await CreateEndpointAsync("alice");
        var stored = await Messages.AppendAsync([Message("alice", at: T0.AddSeconds(2)), Message("alice", at: T0), Message("alice", at: T0.AddSeconds(1))], default);

        Assert.Equal(2, await Queue.ExpandAsync(T0, 2, default));
        Assert.Empty(await Log.ListDeliveriesAsync(stored[0].MessageId, default));
        Assert.Single(await Log.ListDeliveriesAsync(stored[1].MessageId, default));

        var later = await CreateEndpointAsync("alice");
        Assert.Equal(1, await Queue.ExpandAsync(T0, 2, default));
        Assert.Equal(0, await Queue.ExpandAsync(T0, 2, default));

        // Matching is decided at expansion: the endpoint created meanwhile gets only the message expanded after it.
        Assert.Equal(2, (await Log.ListDeliveriesAsync(stored[0].MessageId, default)).Count);
        Assert.Single(await Log.ListDeliveriesAsync(stored[1].MessageId, default));
        Assert.Equal(4, (await Queue.GetBacklogAsync(T0, default)).Pending);
        Assert.Contains(later.Id, (await Log.ListDeliveriesAsync(stored[0].MessageId, default)).Select(d => d.EndpointId));
    }

    [SkippableFact]
    public async Task Expand_AfterResend_KeepsTheResentDelivery()
    {
        var endpoint = await CreateEndpointAsync("alice");
        var stored = (await Messages.AppendAsync([Message("alice")], default))[0];
        Assert.Equal(WebhookResendOutcome.Resent, await Queue.ResendAsync(stored.MessageId, endpoint.Id, T0, default));

        Assert.Equal(1, await Queue.ExpandAsync(T0, 10, default));

        Assert.Single(await Log.ListDeliveriesAsync(stored.MessageId, default));
    }

    [SkippableFact]
    public async Task Expand_ConcurrentExpanders_ExpandEachMessageOnce()
    {
        const int Count = 200;
        await CreateEndpointAsync("alice");
        await CreateEndpointAsync("alice", ["new-subscription"]);
        await Messages.AppendAsync([.. Enumerable.Range(0, Count).Select(i => Message("alice", at: T0.AddMilliseconds(i)))], default);

        var expanded = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var total = 0;
            while (await Queue.ExpandAsync(T0, 7, default) is > 0 and var n)
            {
                total += n;
            }

            return total;
        })));

        Assert.Equal(Count, expanded.Sum());
        Assert.Equal(Count * 2, (await Queue.GetBacklogAsync(T0.AddHours(1), default)).Pending);
    }

    private async Task<List<int>> AttemptsAsync(IEnumerable<WebhookPublishResult> messages)
    {
        var attempts = new List<int>();
        foreach (var message in messages)
        {
            attempts.AddRange((await Log.ListDeliveriesAsync(message.MessageId, default)).Select(d => d.Attempts));
        }

        return attempts;
    }
}
