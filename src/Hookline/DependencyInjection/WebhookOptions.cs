namespace Hookline;

/// <summary>Options for publishing and delivering webhooks, validated when the app starts. Bindable from configuration.</summary>
public sealed class WebhookOptions
{
    /// <summary>How deliveries are retried and when an endpoint is given up on.</summary>
    public WebhookDeliveryOptions Delivery { get; } = new();
}
