using Hookline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hookline.Management;

/// <summary>
/// Looks up what the caller's tenant owns: an id of another tenant's is not found, exactly like one
/// that does not exist. The tenant's endpoint ids are read once per request.
/// </summary>
internal static class TenantData
{
    private static readonly object s_endpointIdsKey = new();

    /// <summary>The caller's endpoint with this id.</summary>
    public static async Task<WebhookEndpoint> EndpointAsync(HttpContext http, string endpointId, string field = "endpointId")
    {
        var id = ManagementQuery.EndpointId(endpointId, field)!;
        var endpoint = await Endpoints(http).GetEndpointAsync(id, http.RequestAborted).ConfigureAwait(false);
        return endpoint is not null && endpoint.Tenant == ManagementRequest.Tenant(http) ? endpoint : throw ManagementProblem.NotFound(field, id);
    }

    /// <summary>A message the caller may see (published for their tenant, or delivered to one of their endpoints), with its deliveries to their endpoints.</summary>
    public static async Task<(WebhookMessage Message, IReadOnlyList<DeliveryState> Deliveries)> MessageAsync(HttpContext http, string messageId)
    {
        var id = ManagementQuery.MessageId(messageId, "messageId")!;
        if (await Log(http).GetMessageAsync(id, http.RequestAborted).ConfigureAwait(false) is { } message)
        {
            var deliveries = await OwnDeliveriesAsync(http, message.Id).ConfigureAwait(false);
            if (message.Tenant == ManagementRequest.Tenant(http) || deliveries.Count > 0)
            {
                return (message, deliveries);
            }
        }

        throw ManagementProblem.NotFound("messageId", id);
    }

    /// <summary>A message's deliveries to the caller's endpoints.</summary>
    public static async Task<IReadOnlyList<DeliveryState>> OwnDeliveriesAsync(HttpContext http, string messageId)
    {
        var own = await EndpointIdsAsync(http).ConfigureAwait(false);
        var deliveries = await Log(http).ListDeliveriesAsync(messageId, http.RequestAborted).ConfigureAwait(false);
        return [.. deliveries.Where(d => own.Contains(d.EndpointId))];
    }

    private static async Task<HashSet<string>> EndpointIdsAsync(HttpContext http)
    {
        if (http.Items[s_endpointIdsKey] is not HashSet<string> ids)
        {
            var endpoints = await Endpoints(http).ListEndpointsAsync(ManagementRequest.Tenant(http), http.RequestAborted).ConfigureAwait(false);
            http.Items[s_endpointIdsKey] = ids = [.. endpoints.Select(e => e.Id)];
        }

        return ids;
    }

    private static IWebhookEndpointStore Endpoints(HttpContext http) => http.RequestServices.GetRequiredService<IWebhookEndpointStore>();

    private static IWebhookLogReader Log(HttpContext http) => http.RequestServices.GetRequiredService<IWebhookLogReader>();
}
