namespace Hookline.Tests.Storage;

/// <summary>Ids sort in the order one process made them, so "newest first" holds for messages of the same millisecond.</summary>
public sealed class WebhookIdsTests
{
    [Fact]
    public void NewMessageId_SameMillisecond_SortsInTheOrderMade()
    {
        var now = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1000).Select(_ => WebhookIds.NewMessageId(now)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(WebhookIds.IsValid(id, "msg_"), id));
    }

    [Fact]
    public void NewEndpointId_LaterMillisecond_SortsAfter_AndEarlierClockStillMakesValidIds()
    {
        var now = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var first = WebhookIds.NewEndpointId(now);
        var later = WebhookIds.NewEndpointId(now.AddMilliseconds(1));
        var earlier = WebhookIds.NewEndpointId(now.AddDays(-1));

        Assert.True(string.CompareOrdinal(first, later) < 0);
        Assert.True(string.CompareOrdinal(earlier, first) < 0, "an id carries its own time, even when the clock went back");
        Assert.True(WebhookIds.IsValid(earlier, "ep_"));
    }
}
