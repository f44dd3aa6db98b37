namespace Hookline;

/// <summary>What to do after an attempt.</summary>
internal enum RetryAction
{
    /// <summary>The receiver acknowledged (2xx): the delivery is done.</summary>
    Succeeded,

    /// <summary>Try again at <see cref="RetryDecision.NextAttemptAt"/>.</summary>
    Retry,

    /// <summary>The schedule is used up: the delivery failed and waits for a replay.</summary>
    Failed,

    /// <summary>The receiver answered 410 Gone: the delivery failed and the endpoint is disabled.</summary>
    EndpointGone,
}

/// <summary>The policy's verdict on an attempt.</summary>
internal readonly record struct RetryDecision(RetryAction Action, DateTimeOffset? NextAttemptAt = null);

/// <summary>
/// Every retry decision, in one pure class: success is any 2xx (3xx is a failure: redirects are not
/// followed); 410 disables the endpoint; anything else is retried on the schedule, with jitter,
/// waiting longer when the receiver's <c>Retry-After</c> asks (up to a bound), until the schedule ends.
/// </summary>
internal sealed class RetryPolicy(WebhookDeliveryOptions options)
{
    private readonly IReadOnlyList<TimeSpan> _schedule = options.RetrySchedule ?? WebhookDeliveryOptions.DefaultRetrySchedule;

    /// <summary>Decides after attempt number <paramref name="attempt"/> (1 for the first).</summary>
    /// <param name="attempt">The attempt that just ended, counted from 1.</param>
    /// <param name="statusCode">
    /// The HTTP status, or <see langword="null"/> when no response came (timeout, refused, reset, DNS, TLS).
    /// </param>
    /// <param name="retryAfter">The wait a <c>Retry-After</c> header asked for, if any.</param>
    /// <param name="now">When it ended.</param>
    /// <param name="jitterSample">A uniform random number in [0, 1) that picks the jitter.</param>
    public RetryDecision Decide(int attempt, int? statusCode, TimeSpan? retryAfter, DateTimeOffset now, double jitterSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (statusCode is >= 200 and <= 299)
        {
            return new(RetryAction.Succeeded);
        }

        if (statusCode == 410)
        {
            return new(RetryAction.EndpointGone);
        }

        if (attempt > _schedule.Count)
        {
            return new(RetryAction.Failed);
        }

        var scheduled = _schedule[attempt - 1] * (1 + (options.RetryJitter * ((2 * jitterSample) - 1)));
        var asked = retryAfter is { } wait && wait > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Min(wait.Ticks, options.MaxRetryAfter.Ticks))
            : TimeSpan.Zero;
        return new(RetryAction.Retry, now + (asked > scheduled ? asked : scheduled));
    }

    /// <summary>Whether an endpoint failing without a success since <paramref name="failingSince"/> is to be disabled.</summary>
    public bool ShouldDisableEndpoint(DateTimeOffset failingSince, DateTimeOffset now) =>
        now - failingSince >= options.DisableEndpointAfter;
}
