namespace Hookline.Tests.Delivery;

public class RetryPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly RetryPolicy _policy = new(new WebhookDeliveryOptions());

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    [InlineData(299)]
    public void Decide_AnyTwoHundred_Succeeds(int status) =>
        Assert.Equal(new RetryDecision(RetryAction.Succeeded), _policy.Decide(3, status, null, s_now, 0.5));

    [Fact]
    public void Decide_Gone_DisablesTheEndpoint() =>
        Assert.Equal(new RetryDecision(RetryAction.EndpointGone), _policy.Decide(1, 410, null, s_now, 0.5));

    // jitterSample 0.5 is no jitter: each retry waits exactly its scheduled time.
    [Theory]
    [InlineData(1, 500, 5)]
    [InlineData(2, 500, 5 * 60)]
    [InlineData(3, 503, 30 * 60)]
    [InlineData(4, 404, 2 * 3600)]
    [InlineData(5, 301, 5 * 3600)]
    [InlineData(6, 302, 10 * 3600)]
    [InlineData(7, null, 10 * 3600)]
    [InlineData(1, 199, 5)]
    [InlineData(1, 300, 5)]
    [InlineData(1, 429, 5)]
    public void Decide_Failure_RetriesOnTheSchedule(int attempt, int? status, int waitSeconds) =>
        Assert.Equal(new RetryDecision(RetryAction.Retry, s_now.AddSeconds(waitSeconds)), _policy.Decide(attempt, status, null, s_now, 0.5));

    [Theory]
    [InlineData(8, 500)]
    [InlineData(8, null)]
    [InlineData(12, 503)]
    public void Decide_AfterTheLastAttempt_Fails(int attempt, int? status) =>
        Assert.Equal(new RetryDecision(RetryAction.Failed), _policy.Decide(attempt, status, null, s_now, 0.5));

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.25, 0.9)]
    [InlineData(0.75, 1.1)]
    [InlineData(0.999999, 1.2)]
    public void Decide_JitterSample_StretchesTheWaitByUpToTwentyPercent(double sample, double factor)
    {
        var decision = _policy.Decide(2, 500, null, s_now, sample);

        Assert.Equal(300 * factor, (decision.NextAttemptAt!.Value - s_now).TotalSeconds, precision: 3);
    }

    [Theory]
    [InlineData(1, 120, 120)]          // asks for longer than the 5 s scheduled: honoured
    [InlineData(2, 10, 300)]           // asks for less than the 5 min scheduled: the schedule wins
    [InlineData(1, 7200, 3600)]        // asks for 2 h: cut to the 1 h bound
    [InlineData(1, 0, 5)]
    public void Decide_RetryAfter_IsHonouredWithinBounds(int attempt, int retryAfterSeconds, int waitSeconds)
    {
        var decision = _policy.Decide(attempt, 429, TimeSpan.FromSeconds(retryAfterSeconds), s_now, 0.5);

        Assert.Equal(new RetryDecision(RetryAction.Retry, s_now.AddSeconds(waitSeconds)), decision);
    }

    [Fact]
    public void Decide_EmptySchedule_FailsAfterTheFirstAttempt()
    {
        var policy = new RetryPolicy(new WebhookDeliveryOptions { RetrySchedule = [] });

        Assert.Equal(RetryAction.Failed, policy.Decide(1, 500, null, s_now, 0.5).Action);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(4.99, false)]
    [InlineData(5, true)]
    [InlineData(9, true)]
    public void ShouldDisableEndpoint_AfterFiveDaysOfFailures(double days, bool expected) =>
        Assert.Equal(expected, _policy.ShouldDisableEndpoint(s_now.AddDays(-days), s_now));
}
