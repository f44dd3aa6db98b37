using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>Options for publishing and delivering webhooks, validated when the app starts. Bindable from configuration.</summary>
public sealed class WebhookOptions
{
    /// <summary>The largest serialized payload <see cref="IWebhookPublisher"/> accepts, in bytes.</summary>
    /// <value>262,144 (256 KiB). At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:MaxPayloadBytes must be positive.")]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long messages are kept, with their deliveries and attempts (the delivery log), before they
    /// are deleted so the store does not grow forever. Messages still pending are kept until they end.
    /// </summary>
    /// <value>30 days. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Retention must be positive.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most endpoints a tenant may have, enabled or not: registering one more is refused with
    /// <see cref="WebhookEndpointLimitException"/> (the management API answers 409), until the tenant deletes one. Each of a tenant's
    /// endpoints receives each of its messages, so this bounds how many deliveries one of its publishes makes. The store counts and
    /// inserts in one step, so registrations racing at the cap never both succeed. Endpoints of no tenant (the app's own) are
    /// neither counted nor capped. <see langword="null"/> for no cap.
    /// </summary>
    /// <value>
    /// 100: far more than one receiving system needs, and a bound on a tenant's fan-out. At least 1, or <see langword="null"/>.
    /// </value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:MaxEndpointsPerTenant must be positive, or null for no cap.")]
    public int? MaxEndpointsPerTenant { get; set; } = 100;

    /// <summary>How deliveries are retried and when an endpoint is given up on.</summary>
    [ValidateObjectMembers]
    public WebhookDeliveryOptions Delivery { get; } = new();

    /// <summary>The management API's settings: how a caller's tenant is found, and the limits on its costly calls.</summary>
    [ValidateObjectMembers]
    public WebhookManagementOptions Management { get; } = new();
}
