namespace Hookline.Tests.Delivery;

/// <summary>When the dispatcher looks at the store without being told to: a pure schedule, driven by explicit times.</summary>
public sealed class StoreLookScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    [Fact]
    public void Start_IsDueAtOnce()
    {
        var schedule = new StoreLookSchedule(Poll);

        Assert.True(schedule.IsDue(T0));
        Assert.Equal(TimeSpan.Zero, schedule.Delay(T0));
    }

    [Fact]
    public void AfterALook_NextIsThePollInterval()
    {
        var schedule = new StoreLookSchedule(Poll);
        schedule.Looked(T0);

        Assert.False(schedule.IsDue(T0.AddMilliseconds(999)));
        Assert.Equal(TimeSpan.FromMilliseconds(400), schedule.Delay(T0.AddMilliseconds(600)));
        Assert.True(schedule.IsDue(T0.AddSeconds(1)));
    }

    [Fact]
    public void ADeliveryPutBack_BeforeThePoll_WakesItThen()
    {
        var schedule = new StoreLookSchedule(Poll);
        schedule.Looked(T0);
        schedule.Add(T0.AddMilliseconds(300));
        schedule.Add(T0.AddMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(200), schedule.Delay(T0));
        Assert.False(schedule.IsDue(T0.AddMilliseconds(199)));
        Assert.True(schedule.IsDue(T0.AddMilliseconds(200)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), schedule.Delay(T0.AddMilliseconds(200)));
        Assert.True(schedule.IsDue(T0.AddMilliseconds(300)));
        Assert.False(schedule.IsDue(T0.AddMilliseconds(301)));
    }

    [Fact]
    public void ADeliveryPutBack_AfterThePoll_IsLeftToThePoll()
    {
        var schedule = new StoreLookSchedule(Poll);
        schedule.Looked(T0);
        schedule.Add(T0.AddSeconds(5));

        Assert.Equal(Poll, schedule.Delay(T0));
        schedule.Looked(T0.AddSeconds(1));
        Assert.False(schedule.IsDue(T0.AddSeconds(1.5)));
    }
}
