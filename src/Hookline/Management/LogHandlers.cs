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
        IWebhookStore store,
        WebhookCatalog catalog,
        string? eventType,
        string? status,
        string? endpointId,
        string? since,
        string? until,
        string? limit,
        string? cursor)
    {
        var tenant = ManagementRequest.Tenant(http);
        var query = new MessageQuery
        {
            Tenant = tenant,
            Webhook = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Status = ManagementQuery.DeliveryStatus(status),
            EndpointId = await OwnEndpointAsync(http, store, endpointId).ConfigureAwait(false),
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(cursor, id => WebhookIds.IsValid(id, "msg_")),
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var messages = await store.QueryMessagesAsync(query, http.RequestAborted).ConfigureAwait(false);
        var page = messages.Take(query.Limit - 1).ToList();
        var own = await OwnEndpointIdsAsync(http, store).ConfigureAwait(false);
        var data = new List<WebhookMessageResponse>(page.Count);
        foreach (var message in page)
        {
            var deliveries = await store.ListDeliveriesAsync(message.Id, http.RequestAborted).ConfigureAwait(false);
            data.Add(WebhookMessageResponse.From(message, deliveries.Where(d => own.Contains(d.EndpointId))));
        }

        return TypedResults.Ok(new WebhookPage<WebhookMessageResponse>(data, messages.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id) : null));
    }

    public static async Task<Ok<WebhookMessageResponse>> GetMessageAsync(HttpContext http, IWebhookStore store, string messageId)
    {
        var message = await FindMessageAsync(http, store, messageId).ConfigureAwait(false);
        var own = await OwnEndpointIdsAsync(http, store).ConfigureAwait(false);
        var deliveries = await store.ListDeliveriesAsync(message.Id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(WebhookMessageResponse.From(message, deliveries.Where(d => own.Contains(d.EndpointId))));
    }

    public static async Task<Ok<WebhookPage<WebhookAttemptResponse>>> ListAttemptsAsync(
        HttpContext http,
        IWebhookStore store,
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
            EndpointId = await OwnEndpointAsync(http, store, endpointId).ConfigureAwait(false),
            MessageId = messageId is null ? null : (await FindMessageAsync(http, store, messageId).ConfigureAwait(false)).Id,
            Webhook = eventType is null ? null : ManagementQuery.EventType(eventType, catalog, "eventType"),
            Succeeded = ManagementQuery.AttemptSucceeded(status),
            Since = ManagementQuery.Time(since, "since"),
            Until = ManagementQuery.Time(until, "until"),
            Before = ManagementQuery.FromCursor(cursor, id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)) is { } before
                ? long.Parse(before, CultureInfo.InvariantCulture)
                : null,
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var attempts = await store.QueryAttemptsAsync(query, http.RequestAborted).ConfigureAwait(false);
        var page = attempts.Take(query.Limit - 1).Select(WebhookAttemptResponse.From).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookAttemptResponse>(
            page,
            attempts.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id.ToString(CultureInfo.InvariantCulture)) : null));
    }

    /// <summary>A message the caller may see (published for their tenant, or delivered to one of their endpoints); any other is not found.</summary>
    public static async Task<WebhookMessage> FindMessageAsync(HttpContext http, IWebhookStore store, string messageId)
    {
        var id = ManagementQuery.MessageId(messageId, "messageId")!;
        var tenant = ManagementRequest.Tenant(http);
        var message = await store.GetMessageAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (message is not null && message.Tenant != tenant)
        {
            var own = await OwnEndpointIdsAsync(http, store).ConfigureAwait(false);
            var deliveries = await store.ListDeliveriesAsync(id, http.RequestAborted).ConfigureAwait(false);
            message = deliveries.Any(d => own.Contains(d.EndpointId)) ? message : null;
        }

        return message ?? throw ManagementProblem.NotFound("messageId", id);
    }

    private static async Task<HashSet<string>> OwnEndpointIdsAsync(HttpContext http, IWebhookStore store) =>
        [.. (await store.ListEndpointsAsync(ManagementRequest.Tenant(http), http.RequestAborted).ConfigureAwait(false)).Select(e => e.Id)];

    /// <summary>An endpoint filter: the caller's own endpoint, or 404 like a missing one.</summary>
    private static async Task<string?> OwnEndpointAsync(HttpContext http, IWebhookStore store, string? endpointId)
    {
        if (ManagementQuery.EndpointId(endpointId, "endpointId") is not { } id)
        {
            return null;
        }

        return (await OwnEndpointIdsAsync(http, store).ConfigureAwait(false)).Contains(id) ? id : throw ManagementProblem.NotFound("endpointId", id);
    }
}
