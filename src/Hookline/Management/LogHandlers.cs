using System.Globalization;
using Hookline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hookline.Management;

/// <summary>The management API's delivery log: the messages a tenant was sent, and every attempt at its endpoints.</summary>
internal static class LogHandlers
{
    public static async Task<Ok<WebhookPage<WebhookMessageResponse>>> ListMessagesAsync(
        HttpContext http,
        IWebhookLogReader log,
        WebhookCatalog catalog,
        string? eventType,
        string? status,
        string? endpointId,
        string? since,
        string? until,
        string? limit,
        string? cursor)
    {
        var query = new MessageQuery
        {
            Tenant = ManagementRequest.Tenant(http),
            Webhook = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Status = ManagementQuery.DeliveryStatus(status),
            EndpointId = endpointId is null ? null : (await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false)).Id,
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(cursor, id => WebhookIds.IsValid(id, "msg_")),
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var messages = await log.QueryMessagesAsync(query, http.RequestAborted).ConfigureAwait(false);
        var page = messages.Take(query.Limit - 1).ToList();
        var data = new List<WebhookMessageResponse>(page.Count);
        foreach (var message in page)
        {
            data.Add(WebhookMessageResponse.From(message, await TenantData.OwnDeliveriesAsync(http, message.Id).ConfigureAwait(false)));
        }

        return TypedResults.Ok(new WebhookPage<WebhookMessageResponse>(data, messages.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id) : null));
    }

    public static async Task<Ok<WebhookMessageResponse>> GetMessageAsync(HttpContext http, string messageId)
    {
        var (message, deliveries) = await TenantData.MessageAsync(http, messageId).ConfigureAwait(false);
        return TypedResults.Ok(WebhookMessageResponse.From(message, deliveries));
    }

    public static async Task<Ok<WebhookPage<WebhookAttemptResponse>>> ListAttemptsAsync(
        HttpContext http,
        IWebhookLogReader log,
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
        var query = new AttemptQuery
        {
            Tenant = ManagementRequest.Tenant(http),
            EndpointId = endpointId is null ? null : (await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false)).Id,
            MessageId = messageId is null ? null : (await TenantData.MessageAsync(http, messageId).ConfigureAwait(false)).Message.Id,
            Webhook = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Succeeded = ManagementQuery.AttemptSucceeded(status),
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(cursor, id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)) is { } before
                ? long.Parse(before, CultureInfo.InvariantCulture)
                : null,
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var attempts = await log.QueryAttemptsAsync(query, http.RequestAborted).ConfigureAwait(false);
        var page = attempts.Take(query.Limit - 1).Select(WebhookAttemptResponse.From).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookAttemptResponse>(
            page,
            attempts.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id.ToString(CultureInfo.InvariantCulture)) : null));
    }
}
