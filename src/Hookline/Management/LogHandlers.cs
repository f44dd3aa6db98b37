using System.Globalization;
using Hookline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hookline.Management;

/// <summary>
/// The management API's delivery log: the messages a tenant was sent, and every attempt at its endpoints. Each handler reads the
/// query into a <see cref="WebhookTenantService"/> call, and its result into a page.
/// </summary>
internal static class LogHandlers
{
    public static async Task<Ok<WebhookPage<WebhookMessageResponse>>> ListMessagesAsync(
        HttpContext http,
        WebhookTenantService tenants,
        WebhookCatalog catalog,
        string? messageId,
        string? eventType,
        string? status,
        string? endpointId,
        string? since,
        string? until,
        string? limit,
        string? cursor)
    {
        var query = new WebhookMessageQuery
        {
            Id = ManagementQuery.MessageId(messageId, "messageId"),
            EventType = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Status = ManagementQuery.WebhookDeliveryStatus(status),
            EndpointId = ManagementQuery.EndpointId(endpointId, "endpointId"),
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(cursor, id => WebhookIds.IsValid(id, "msg_")),
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var messages = await tenants.ListMessagesAsync(ManagementRequest.Tenant(http), query, http.RequestAborted).ConfigureAwait(false);
        var page = messages.Take(query.Limit - 1).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookMessageResponse>(
            [.. page.Select(m => WebhookMessageResponse.From(m.Message, m.Deliveries))],
            messages.Count > page.Count ? ManagementQuery.Cursor(page[^1].Message.Id) : null));
    }

    public static async Task<Ok<WebhookMessageResponse>> GetMessageAsync(HttpContext http, WebhookTenantService tenants, string messageId)
    {
        var (message, deliveries) = await tenants.GetMessageAsync(
            ManagementRequest.Tenant(http), ManagementQuery.MessageId(messageId, "messageId")!, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(WebhookMessageResponse.From(message, deliveries));
    }

    public static async Task<Ok<WebhookPage<WebhookEndpointStats>>> GetStatsAsync(
        HttpContext http, WebhookTenantService tenants, string? endpointId)
    {
        var id = ManagementQuery.EndpointId(endpointId, "endpointId");
        var stats = await tenants.GetStatsAsync(ManagementRequest.Tenant(http), id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new WebhookPage<WebhookEndpointStats>(stats, null));
    }

    public static async Task<Ok<WebhookPage<WebhookAttemptResponse>>> ListAttemptsAsync(
        HttpContext http,
        WebhookTenantService tenants,
        WebhookCatalog catalog,
        string? endpointId,
        string? messageId,
        string? eventType,
        string? status,
        string? since,
        string? until,
        string? limit,
        string? cursor)
    {
        var query = new WebhookAttemptQuery
        {
            EndpointId = ManagementQuery.EndpointId(endpointId, "endpointId"),
            MessageId = ManagementQuery.MessageId(messageId, "messageId"),
            EventType = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Succeeded = ManagementQuery.AttemptSucceeded(status),
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(
                    cursor, id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)) is { } before
                ? long.Parse(before, CultureInfo.InvariantCulture)
                : null,
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var attempts = await tenants.ListAttemptsAsync(ManagementRequest.Tenant(http), query, http.RequestAborted).ConfigureAwait(false);
        var page = attempts.Take(query.Limit - 1).Select(WebhookAttemptResponse.From).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookAttemptResponse>(
            page,
            attempts.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id.ToString(CultureInfo.InvariantCulture)) : null));
    }
}
