using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>How deliveries are retried and when an endpoint is given up on.</summary>
public sealed class WebhookDeliveryOptions : IValidatableObject
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> that delivers webhooks, for <c>IHttpClientFactory</c>: configure it with
    /// <c>services.AddHttpClient(WebhookDeliveryOptions.HttpClientName)</c>, adding handlers (<c>AddHttpMessageHandler</c>)
    /// or setting the <see cref="SocketsHttpHandler"/> Hookline gives it
    /// (<c>UseSocketsHttpHandler((handler, _) =&gt; handler.Proxy = ...)</c>).
    /// Hookline secures the handler after your configuration: it follows no redirects, sends no cookies or credentials, and
    /// connects only where the destination policy allows. What <c>ConfigureHttpClientDefaults</c> sets for every client does
    /// not reach this one.
    /// </summary>
    public const string HttpClientName = "Hookline.Webhooks";

    /// <summary>
    /// Whether this process delivers webhooks. Turn it off on instances that only publish, when
    /// other instances sharing the store deliver.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long one attempt may take, from connecting to the end of the response headers. A dispatcher
    /// leases a delivery for twice this long: if its process dies, the delivery is due again then.
    /// </summary>
    /// <value>15 seconds. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Delivery:Timeout must be positive.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many attempts this process runs at once, across all endpoints.</summary>
    /// <value>64. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Delivery:MaxConcurrency must be positive.")]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>
    /// How many attempts run at once to one endpoint, counted across every instance sharing the store (the store admits no more
    /// at lease time), so one receiver is not flooded and a slow one does not hold up the rest. Give every instance the same
    /// value: each lease applies its own instance's.
    /// </summary>
    /// <value>8. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Delivery:MaxConcurrencyPerEndpoint must be positive.")]
    public int MaxConcurrencyPerEndpoint { get; set; } = 8;

    /// <summary>
    /// How many of this process's attempts one tenant's deliveries may hold at once, even while no other tenant has work. Slots
    /// are shared fairly between the tenants with work, then between each tenant's endpoints, and a share nobody uses is lent;
    /// lower this to keep slots free for tenants whose work arrives while one tenant's slow endpoints hold theirs. The
    /// endpoints of no tenant count as one tenant.
    /// </summary>
    /// <value>
    /// <see langword="null"/>: <see cref="MaxConcurrency"/>, every idle slot is lent. From 1 to <see cref="MaxConcurrency"/>.
    /// </value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency, or unset.")]
    public int? MaxConcurrencyPerTenant { get; set; }

    /// <summary>How an endpoint whose attempts keep failing is given fewer attempts, then none for a while.</summary>
    [Required(ErrorMessage = "Webhooks:Delivery:CircuitBreaker must be set.")]
    [ValidateObjectMembers]
    public WebhookCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>
    /// How often the dispatcher looks for due deliveries when nothing woke it: retries coming due, and
    /// messages published by other instances sharing the store. A publish in this process wakes it at once.
    /// </summary>
    /// <value>1 second. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Delivery:PollInterval must be positive.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Networks (CIDR, e.g. <c>127.0.0.0/8</c>) deliveries may reach besides public addresses. By
    /// default loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses are
    /// refused, checked on the resolved address at connect time. Open only what you trust, e.g.
    /// loopback in development.
    /// </summary>
    /// <value>Empty.</value>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// Whether endpoint URLs must be https: checked when an endpoint is registered and before each
    /// delivery. Left <see langword="null"/>, it is on everywhere but in the Development environment.
    /// </summary>
    /// <value><see langword="null"/>: on, except in Development.</value>
    public bool? RequireHttps { get; set; }

    /// <summary>
    /// The schedule used when <see cref="RetrySchedule"/> is not set: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, eight attempts over
    /// about 28 hours.
    /// </summary>
    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>
    /// The wait before each retry, counted from the failed attempt; the first attempt is immediate.
    /// A list from configuration replaces the default rather than adding to it; an empty list means no retries.
    /// </summary>
    /// <value><see langword="null"/>: <see cref="DefaultRetrySchedule"/>. Each wait zero or more.</value>
    public List<TimeSpan>? RetrySchedule { get; set; }

    /// <summary>How far each wait is randomly stretched or shrunk, so retries of many deliveries spread out.</summary>
    /// <value>0.2 (plus or minus 20 %). From 0 (none) to below 1.</value>
    [OptionRange(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Webhooks:Delivery:RetryJitter must be from 0 to below 1.")]
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>The longest wait a receiver's <c>Retry-After</c> header can ask for; a longer one is cut to this.</summary>
    /// <value>1 hour. Zero or more.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan,
        ErrorMessage = "Webhooks:Delivery:MaxRetryAfter must not be negative.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An endpoint whose deliveries have all failed for this long is disabled.</summary>
    /// <value>5 days. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Delivery:DisableEndpointAfter must be positive.")]
    public TimeSpan DisableEndpointAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>
    /// The rules data annotations cannot state, checked with them at start: a tenant's share within <see cref="MaxConcurrency"/>,
    /// every network in CIDR notation, no negative wait.
    /// </summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxConcurrencyPerTenant > MaxConcurrency)
        {
            yield return new ValidationResult(
                $"Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency ({MaxConcurrency}), or unset; "
                + $"it is {MaxConcurrencyPerTenant}.");
        }

        foreach (var network in (AllowedNetworks ?? []).Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"Webhooks:Delivery:AllowedNetworks: '{network}' is not a network in CIDR notation, such as 127.0.0.0/8 or ::1/128.");
        }

        if (RetrySchedule?.Any(d => d < TimeSpan.Zero) == true)
        {
            yield return new ValidationResult(
                "Webhooks:Delivery:RetrySchedule must be a list of waits of zero or more (an empty list means no retries).");
        }
    }
}
