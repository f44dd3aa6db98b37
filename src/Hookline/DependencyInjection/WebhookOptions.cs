namespace Hookline;

/// <summary>Options for publishing and delivering webhooks, validated when the app starts. Bindable from configuration.</summary>
public sealed class WebhookOptions
{
    /// <summary>The largest serialized payload <see cref="IWebhookPublisher"/> accepts, in bytes.</summary>
    /// <value>262,144 (256 KiB).</value>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long messages are kept, with their deliveries and attempts (the delivery log), before they
    /// are deleted so the store does not grow forever. Messages still pending are kept until they end.
    /// </summary>
    /// <value>30 days.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How deliveries are retried and when an endpoint is given up on.</summary>
    public WebhookDeliveryOptions Delivery { get; } = new();

    /// <summary>The management API's settings: how a caller's tenant is found.</summary>
    public WebhookManagementOptions Management { get; } = new();
}
