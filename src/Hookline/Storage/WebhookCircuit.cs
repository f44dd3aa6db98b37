namespace Hookline.Storage;

/// <summary>The state of an endpoint's circuit breaker (<see cref="WebhookCircuitBreakerOptions"/>).</summary>
public enum WebhookCircuitState
{
    /// <summary>Its latest attempt succeeded: it takes attempts up to its concurrency limit.</summary>
    Closed,

    /// <summary>It is new, or its latest attempt failed: it takes one attempt at a time.</summary>
    Probing,

    /// <summary>Its attempts kept failing: none is made until the circuit's break ends, then one (the probe).</summary>
    Open,
}

/// <summary>
/// An endpoint's circuit breaker, worked out from what the store keeps of its health: one rule for the leases of every store,
/// the management API and the dashboard.
/// </summary>
/// <param name="State">The state.</param>
/// <param name="OpenUntil">When an open circuit lets its probe through.</param>
public readonly record struct WebhookCircuit(WebhookCircuitState State, DateTimeOffset? OpenUntil)
{
    /// <summary>Works out an endpoint's circuit.</summary>
    /// <param name="consecutiveFailures">Its failed attempts since its latest success; <see langword="null"/> if never attempted.</param>
    /// <param name="failingSince">When its first failed attempt since its latest success started.</param>
    /// <param name="lastFailedAt">When its latest failed attempt started.</param>
    /// <param name="now">The time to judge at.</param>
    /// <param name="options">The breaker's settings.</param>
    /// <returns>The circuit at <paramref name="now"/>.</returns>
    /// <remarks>
    /// An open circuit stays open after its latest failure as long as the endpoint had been failing by then, from
    /// <see cref="WebhookCircuitBreakerOptions.BreakDuration"/> to <see cref="WebhookCircuitBreakerOptions.MaxBreakDuration"/>:
    /// so each failed probe about doubles the break, and attempts that were in flight when it opened, failing about at once,
    /// do not lengthen it.
    /// </remarks>
    public static WebhookCircuit Of(
        int? consecutiveFailures,
        DateTimeOffset? failingSince,
        DateTimeOffset? lastFailedAt,
        DateTimeOffset now,
        WebhookCircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (consecutiveFailures == 0)
        {
            return new WebhookCircuit(WebhookCircuitState.Closed, null);
        }

        if (consecutiveFailures >= options.FailureThreshold && lastFailedAt is { } failedAt)
        {
            var failing = failedAt - (failingSince ?? failedAt);
            var openFor = Math.Clamp(failing.Ticks, options.BreakDuration.Ticks, options.MaxBreakDuration.Ticks);
            var openUntil = failedAt + TimeSpan.FromTicks(openFor);
            if (openUntil > now)
            {
                return new WebhookCircuit(WebhookCircuitState.Open, openUntil);
            }
        }

        return new WebhookCircuit(WebhookCircuitState.Probing, null);
    }

    /// <summary>How many attempts the endpoint may have at once in this state.</summary>
    /// <param name="maxPerEndpoint">The limit of an endpoint whose circuit is closed.</param>
    /// <returns>The limit.</returns>
    public int MaxConcurrency(int maxPerEndpoint) => State switch
    {
        WebhookCircuitState.Closed => maxPerEndpoint,
        WebhookCircuitState.Probing => 1,
        _ => 0,
    };
}
