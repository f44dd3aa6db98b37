using Hookline.Storage;

namespace Hookline.Management;

/// <summary>A message a tenant may see, with its deliveries to that tenant's endpoints only.</summary>
/// <param name="Message">The message.</param>
/// <param name="Deliveries">Its deliveries to the tenant's endpoints, in id order.</param>
internal sealed record TenantMessage(WebhookMessage Message, IReadOnlyList<WebhookDelivery> Deliveries);
