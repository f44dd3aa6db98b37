namespace Hookline;

/// <summary>
/// How polling endpoints' feeds (<c>GET /endpoints/{id}/feed</c>) may be read: how long a read may wait for messages, and how
/// many reads may wait at once, so that reads held open cannot use up the server.
/// </summary>
/// <remarks>
/// A read that waits holds its request open, not a database connection: it reads, and while it finds nothing waits for a
/// publish on this instance (or, on PostgreSQL, another instance's, told by <c>LISTEN</c>) or for the delivery poll interval,
/// then reads again. The counts are kept in each app instance's memory: behind a load balancer over N instances a tenant may
/// have up to N times as many reads waiting. A read that does not wait (<c>wait=0</c>) is not counted.
/// </remarks>
public sealed class WebhookFeedOptions
{
    /// <summary>The longest a read may ask to wait for messages (its <c>wait</c>, in seconds): a longer one is refused (400).</summary>
    /// <value>
    /// 30 seconds: under the idle timeouts of common proxies and load balancers (60 s and more). From 0 to 5 minutes: a read held
    /// longer outlives most proxies' patience.
    /// </value>
    [OptionRange(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Webhooks:Management:Feed:MaxWait must be from 0 to 5 minutes.")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many reads of one tenant may wait at once, in this app instance; one more is answered 429, with <c>Retry-After</c>.
    /// </summary>
    /// <value>10: a consumer per polling endpoint, with room for restarts whose old reads have not ended yet. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Management:Feed:MaxWaitingPerTenant must be positive.")]
    public int MaxWaitingPerTenant { get; set; } = 10;

    /// <summary>How many reads may wait at once, in this app instance, all tenants together; one more is answered 429.</summary>
    /// <value>1,000. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Management:Feed:MaxWaiting must be positive.")]
    public int MaxWaiting { get; set; } = 1_000;
}
