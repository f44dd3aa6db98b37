using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>The rule every store applies at lease time, on its own: which due deliveries a lease takes, and when the rest are due.</summary>
public sealed class LeaseAdmissionTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // Concurrency: up to the limit less those leased already.
    [InlineData(3, 1, null, null, 4, 2)]
    [InlineData(2, 2, null, null, 4, 0)]
    [InlineData(int.MaxValue, 500, null, null, 3, 3)]
    // Rate limit: one a lease, once its next send has come.
    [InlineData(int.MaxValue, 0, 4, null, 4, 1)]
    [InlineData(int.MaxValue, 0, 4, -10, 4, 1)]
    [InlineData(int.MaxValue, 0, 4, 100, 4, 0)]
    // Both: a busy endpoint waits for a free slot.
    [InlineData(1, 1, 4, null, 4, 0)]
    public void Admit_OneClosedEndpoint_TakesWhatItsLimitsAllowOldestFirst(
        int maxPerEndpoint, int leased, int? rateLimit, int? nextSendInMs, int due, int taken)
    {
        var admission = new WebhookLeaseAdmission(Request(100) with { MaxPerEndpoint = maxPerEndpoint });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_1", "t", leased)
        {
            RateLimit = rateLimit,
            NextSendAt = nextSendInMs is { } ms ? s_now.AddMilliseconds(ms) : null,
            ConsecutiveFailures = 0,
        });
        AddDue(admission, "ep_1", 1, due);

        Assert.Equal(Enumerable.Range(1, taken).Select(i => (long)i), admission.Admit());
        Assert.Equal(taken < due ? (rateLimit is null ? s_now : s_now.AddMilliseconds(Math.Max(nextSendInMs ?? 0, taken * 250))) : null, admission.DueAgainAt("ep_1"));
    }

    [Fact]
    public void Admit_ReadsOneMoreThanItMayTake_SoItKnowsWhetherSomeAreLeft()
    {
        var admission = new WebhookLeaseAdmission(Request(100) with { MaxPerEndpoint = 8 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_closed", "t", 3) { ConsecutiveFailures = 0 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_new", "t", 0));
        AddDue(admission, "ep_closed", 1, 2);

        Assert.Equal(6, admission.DueToRead("ep_closed"));
        Assert.Equal(2, admission.DueToRead("ep_new"));
        Assert.Equal([1L, 2L], admission.Admit());
        Assert.Null(admission.DueAgainAt("ep_closed"));
        Assert.Null(admission.DueAgainAt("ep_new"));
        Assert.Throws<InvalidOperationException>(() => admission.DueToRead("ep_unknown"));
    }

    [Fact]
    public void Admit_TenantsWithWork_GetSlotsInTurnFewestHeldFirst()
    {
        // Tenant a already holds 4 of the dispatcher's slots, on two endpoints with long backlogs; b holds none.
        var admission = new WebhookLeaseAdmission(Request(8) with { InFlight = new Dictionary<string, int> { ["a"] = 4 } });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_a1", "a", 2) { ConsecutiveFailures = 0 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_a2", "a", 2) { ConsecutiveFailures = 0 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_b", "b", 0) { ConsecutiveFailures = 0 });
        AddDue(admission, "ep_a1", 100, 9, dueSecondsAgo: 60);
        AddDue(admission, "ep_a2", 200, 9, dueSecondsAgo: 60);
        AddDue(admission, "ep_b", 300, 9);

        var leased = admission.Admit();

        // b's first four bring it level with a; then they alternate, and a's endpoints take turns (oldest first).
        Assert.Equal([300L, 301, 302, 303, 100, 304, 200, 305], leased);
        Assert.Equal(s_now, admission.DueAgainAt("ep_a1"));
    }

    [Fact]
    public void DueAgainAt_ServedGoesBehind_NotReachedKeepsItsPlace_FullGoesBehind()
    {
        var admission = new WebhookLeaseAdmission(Request(1) with { MaxPerEndpoint = 2 });
        var waited = s_now.AddSeconds(-5);
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_served", "t", 0) { ConsecutiveFailures = 0, DueAt = waited.AddSeconds(-1) });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_waiting", "t", 0) { ConsecutiveFailures = 0, DueAt = waited });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_full", "u", 2) { ConsecutiveFailures = 0, DueAt = waited });
        AddDue(admission, "ep_served", 1, 3, dueSecondsAgo: 6);
        AddDue(admission, "ep_waiting", 10, 3, dueSecondsAgo: 5);
        AddDue(admission, "ep_full", 20, 3, dueSecondsAgo: 5);

        Assert.Equal([1L], admission.Admit());
        Assert.Equal(s_now, admission.DueAgainAt("ep_served"));
        Assert.Equal(waited, admission.DueAgainAt("ep_waiting"));
        Assert.Equal(s_now, admission.DueAgainAt("ep_full"));
        Assert.Equal(["ep_full", "ep_served"], admission.Rescheduled.Order());
    }

    [Fact]
    public void Admit_OneTenantAlone_IsLentEverySlotUpToItsCap()
    {
        var lent = new WebhookLeaseAdmission(Request(6));
        var capped = new WebhookLeaseAdmission(Request(6) with { MaxPerTenant = 4, InFlight = new Dictionary<string, int> { ["a"] = 1 } });
        foreach (var admission in new[] { lent, capped })
        {
            admission.AddEndpoint(new WebhookLeaseEndpoint("ep_a", "a", 0) { ConsecutiveFailures = 0 });
            admission.AddEndpoint(new WebhookLeaseEndpoint("ep_none", null, 0) { ConsecutiveFailures = 0 });
            AddDue(admission, "ep_a", 1, 9);
            AddDue(admission, "ep_none", 100, 1);
        }

        Assert.Equal(6, lent.Admit().Count);
        Assert.Equal([100L, 1, 2, 3], capped.Admit());
    }

    [Theory]
    // New, or failing: one at a time; with one in flight, none until it is recorded (or its lease ends).
    [InlineData(null, null, null, 0, 1, null)]
    [InlineData(1, 0, 0, 0, 1, null)]
    [InlineData(4, 0, 0, 0, 1, null)]
    [InlineData(2, 0, 0, 1, 0, null)]
    // Five failures in a row open it after the latest for as long as it had been failing then: 30 s at least, 10 min at most.
    [InlineData(5, 29, 29, 0, 0, 30)]
    [InlineData(5, 30, 30, 0, 1, null)]
    [InlineData(6, 100, 40, 0, 0, 60)]
    [InlineData(6, 100, 50, 0, 1, null)]
    [InlineData(40, 7200, 599, 0, 0, 600)]
    [InlineData(40, 7200, 600, 0, 1, null)]
    public void Admit_EndpointNewOrFailing_ItsCircuitDecides(
        int? failures, int? failingSecondsAgo, int? failedSecondsAgo, int leased, int taken, int? openSeconds)
    {
        var failingSince = failingSecondsAgo is { } since ? s_now.AddSeconds(-since) : (DateTimeOffset?)null;
        var failedAt = failedSecondsAgo is { } ago ? s_now.AddSeconds(-ago) : (DateTimeOffset?)null;
        var admission = new WebhookLeaseAdmission(Request(100) with { MaxPerEndpoint = 8 });
        admission.AddEndpoint(
            new WebhookLeaseEndpoint("ep_1", "t", leased) { ConsecutiveFailures = failures, FailingSince = failingSince, LastFailedAt = failedAt });
        AddDue(admission, "ep_1", 1, 3);

        Assert.Equal(taken, admission.Admit().Count);
        var expected = openSeconds is { } open ? failedAt!.Value.AddSeconds(open) : leased > 0 ? s_now.AddSeconds(30) : s_now;
        Assert.Equal(expected, admission.DueAgainAt("ep_1"));
        Assert.Equal(
            openSeconds is null ? WebhookCircuitState.Probing : WebhookCircuitState.Open,
            WebhookCircuit.Of(failures, failingSince, failedAt, s_now, new WebhookCircuitBreakerOptions()).State);
    }

    [Fact]
    public void NextSends_OnlyRateLimitedEndpointsThatSent_AtTheirNextSlot()
    {
        var admission = new WebhookLeaseAdmission(Request(100));
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_sent", null, 0) { RateLimit = 10, ConsecutiveFailures = 0 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_waiting", null, 0) { RateLimit = 10, NextSendAt = s_now.AddMilliseconds(50), ConsecutiveFailures = 0 });
        admission.AddEndpoint(new WebhookLeaseEndpoint("ep_unlimited", null, 0) { ConsecutiveFailures = 0 });
        AddDue(admission, "ep_sent", 1, 2);
        AddDue(admission, "ep_waiting", 10, 2);
        AddDue(admission, "ep_unlimited", 20, 2);

        Assert.Equal([1L, 20, 21], admission.Admit().Order());
        Assert.Equal([KeyValuePair.Create("ep_sent", s_now.AddMilliseconds(100))], admission.NextSends);
        Assert.Equal(s_now.AddMilliseconds(100), admission.DueAgainAt("ep_sent"));
        Assert.Equal(s_now.AddMilliseconds(50), admission.DueAgainAt("ep_waiting"));
        Assert.Null(admission.DueAgainAt("ep_unlimited"));
        Assert.Throws<InvalidOperationException>(() => admission.AddDue("ep_unknown", 99, s_now));
    }

    private static WebhookLeaseRequest Request(int max) => new("w", s_now, s_now.AddSeconds(30), max);

    private static void AddDue(WebhookLeaseAdmission admission, string endpointId, long firstId, int count, int dueSecondsAgo = 1)
    {
        for (var i = 0; i < Math.Min(count, admission.DueToRead(endpointId)); i++)
        {
            admission.AddDue(endpointId, firstId + i, s_now.AddSeconds(-dueSecondsAgo).AddMilliseconds(i));
        }
    }
}
