using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hookline.Management;

/// <summary>
/// The management API's feed route: a polling endpoint's messages, read after a cursor, waiting for them if asked. Maps the request
/// to <see cref="WebhookTenantService.ReadFeedAsync"/> and its messages to a page.
/// </summary>
internal static class FeedHandlers
{
    public static async Task<Ok<WebhookFeedPage>> ReadAsync(
        HttpContext http, WebhookTenantService tenants, string endpointId, string? cursor, string? limit, string? wait)
    {
        var tenant = ManagementRequest.Tenant(http);
        var endpoint = await tenants.GetEndpointAsync(tenant, ManagementQuery.EndpointId(endpointId, "endpointId")!, http.RequestAborted)
            .ConfigureAwait(false);
        var after = ManagementQuery.FromFeedCursor(cursor);
        var pageSize = ManagementQuery.Limit(limit);
        var maxWait = http.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.Management.Feed.MaxWait;
        var waitFor = ManagementQuery.Wait(wait, maxWait);
        var read = await tenants.ReadFeedAsync(tenant, endpoint, after, pageSize, waitFor, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store"; // Signed for now, and a cursor's next page changes as messages come.
        return TypedResults.Ok(new WebhookFeedPage(
            [
                .. read.Messages.Select(m => new WebhookFeedItem
                {
                    Id = m.Message.Message.Id,
                    EventType = m.Message.Message.EventType,
                    Method = m.Message.Message.Method,
                    CreatedAt = m.Message.Message.CreatedAt,
                    Body = System.Text.Encoding.UTF8.GetString(m.Message.Message.Payload.Span),
                    Headers = new WebhookFeedHeaders(m.Signature.Id, m.Signature.Timestamp, m.Signature.Signature),
                    Cursor = ManagementQuery.FeedCursor(m.Message.Position),
                }),
            ],
            ManagementQuery.FeedCursor(read.Position),
            read.More));
    }
}
