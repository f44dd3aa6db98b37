namespace Hookline;

/// <summary>
/// How often each tenant may make the management API's costly calls: sending a test event, resending a message and recovering an
/// endpoint's failed deliveries, which each make deliveries on demand. Past the limit such a call is answered 429, with
/// <c>Retry-After</c>, and does nothing; a call refused for another reason (a 404, a 409, a 422) does not count.
/// </summary>
/// <remarks>
/// <para>
/// The three share one token bucket per tenant rather than one each: they cost the same kind of thing, a tenant can spend the
/// allowance on whichever it needs, and one limit is easier to state and to reason about than three. A recovery counts as one call
/// however many deliveries it replays: those are the tenant's own failed deliveries, and they go out under the endpoint's limits.
/// </para>
/// <para>
/// The buckets are kept in each app instance's memory: they are not shared through the store, and start full when the instance
/// starts. Behind a load balancer spreading one tenant's calls over N instances, the tenant may make up to N times as many.
/// </para>
/// </remarks>
public sealed class WebhookCostlyCallOptions
{
    /// <summary>
    /// How many costly calls a tenant may make per minute over time: its bucket gains one call every 60 / <c>PerMinute</c> seconds,
    /// up to <see cref="Burst"/>. <see langword="null"/> for no limit.
    /// </summary>
    /// <value>
    /// 60: one a second on average, far more than anyone clicking in the dashboard makes, and a bound on a script. At least 1, or
    /// <see langword="null"/>.
    /// </value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Management:CostlyCalls:PerMinute must be positive, or null for no limit.")]
    public int? PerMinute { get; set; } = 60;

    /// <summary>How many costly calls a tenant may make at once after a pause: the size of its bucket, which starts full.</summary>
    /// <value>20. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Management:CostlyCalls:Burst must be positive.")]
    public int Burst { get; set; } = 20;
}
