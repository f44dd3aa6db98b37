using Hookline.Storage;

namespace Hookline.Tests.Storage;

/// <summary>The rule every store applies at lease time, on its own: what it decides for each due delivery, in due order.</summary>
public sealed class LeaseAdmissionTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // Concurrency: up to the limit less those leased already; the rest are held back 50 ms.
    [InlineData(3, 1, null, null, "lease lease 50 50")]
    [InlineData(2, 2, null, null, "50 50")]
    [InlineData(int.MaxValue, 500, null, null, "lease lease lease")]
    // Rate limit (4 a second: a slot every 250 ms): one now, the rest each a slot after the one before.
    [InlineData(int.MaxValue, 0, 4, null, "lease 250 500 750")]
    [InlineData(int.MaxValue, 0, 4, -10, "lease 250")]
    // The next slot is still ahead: none now, the first held back to that slot.
    [InlineData(int.MaxValue, 0, 4, 100, "100 350 600")]
    // Both: a busy endpoint waits for a free slot first.
    [InlineData(1, 1, 4, null, "50 50")]
    public void Admit_DueDeliveriesOfOneEndpoint_LeasesOrSaysWhenDueAgain(
        int maxPerEndpoint, int leased, int? rateLimit, int? nextSendInMs, string expected)
    {
        var admission = new LeaseAdmission(new LeaseRequest("w", s_now, s_now.AddSeconds(30), 100) { MaxPerEndpoint = maxPerEndpoint });
        admission.AddEndpoint("ep_1", leased, rateLimit, nextSendInMs is { } ms ? s_now.AddMilliseconds(ms) : null);

        var decisions = expected.Split(' ').Select(_ => admission.Admit("ep_1") is { } dueAt ? $"{(dueAt - s_now).TotalMilliseconds}" : "lease");

        Assert.Equal(expected, string.Join(' ', decisions));
    }

    [Fact]
    public void NextSends_OnlyRateLimitedEndpointsThatSent_AtTheirNextSlot()
    {
        var admission = new LeaseAdmission(new LeaseRequest("w", s_now, s_now.AddSeconds(30), 100));
        admission.AddEndpoint("ep_sent", 0, 10, null);
        admission.AddEndpoint("ep_waiting", 0, 10, s_now.AddMilliseconds(50));
        admission.AddEndpoint("ep_unlimited", 0, null, null);

        Assert.Null(admission.Admit("ep_sent"));
        Assert.Equal(s_now.AddMilliseconds(100), admission.Admit("ep_sent"));
        Assert.Equal(s_now.AddMilliseconds(50), admission.Admit("ep_waiting"));
        Assert.Null(admission.Admit("ep_unlimited"));

        Assert.Equal([KeyValuePair.Create("ep_sent", s_now.AddMilliseconds(100))], admission.NextSends);
        Assert.Throws<InvalidOperationException>(() => admission.Admit("ep_unknown"));
    }
}
