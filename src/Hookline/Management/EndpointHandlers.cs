using Hookline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hookline.Management;

/// <summary>The management API's endpoint routes: a tenant's endpoints, their secrets, test events and replays.</summary>
internal static class EndpointHandlers
{
    private static readonly TimeSpan s_maxOverlap = TimeSpan.FromDays(7);

    public static async Task<Ok<WebhookPage<WebhookEndpointResponse>>> ListAsync(
        HttpContext http, IWebhookEndpointStore store, string? limit, string? cursor)
    {
        var query = new EndpointQuery
        {
            Tenant = ManagementRequest.Tenant(http),
            Before = ManagementQuery.FromCursor(cursor, id => WebhookIds.IsValid(id, "ep_")),
            Limit = ManagementQuery.Limit(limit) + 1,
        };
        var endpoints = await store.QueryEndpointsAsync(query, http.RequestAborted).ConfigureAwait(false);
        var page = endpoints.Take(query.Limit - 1).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookEndpointResponse>(
            [.. page.Select(e => WebhookEndpointResponse.From(e))],
            endpoints.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id) : null));
    }

    public static async Task<CreatedAtRoute<WebhookEndpointResponse>> CreateAsync(HttpContext http, IWebhookEndpointManager endpoints)
    {
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var endpoint = await Changing(() => endpoints.CreateAsync(Settings(request), ManagementRequest.Tenant(http), cancellationToken: http.RequestAborted))
            .ConfigureAwait(false);
        EntityTags.Set(http, endpoint);
        return TypedResults.CreatedAtRoute(WebhookEndpointResponse.From(endpoint, withSecret: true), WebhookManagementEndpointRouteBuilderExtensions.GetEndpointRoute, new { endpointId = endpoint.Id });
    }

    public static async Task<Ok<WebhookEndpointResponse>> GetAsync(HttpContext http, string endpointId) =>
        Answer(http, await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false));

    public static async Task<Ok<WebhookEndpointResponse>> UpdateAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var updated = await Changing(() => endpoints.UpdateAsync(endpoint.Id, Settings(request), ifVersion, http.RequestAborted)).ConfigureAwait(false);
        return Answer(http, Found(updated, endpointId));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        if (!await Changing(() => endpoints.DeleteAsync(endpoint.Id, ifVersion, http.RequestAborted)).ConfigureAwait(false))
        {
            throw ManagementProblem.NotFound("endpointId", endpointId); // Deleted meanwhile.
        }

        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookEndpointResponse>> EnableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var enabled = await Changing(() => endpoints.EnableAsync(endpoint.Id, ifVersion, http.RequestAborted)).ConfigureAwait(false);
        return Answer(http, Found(enabled, endpointId));
    }

    public static async Task<Ok<WebhookEndpointResponse>> DisableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var disabled = await Changing(() => endpoints.DisableAsync(endpoint.Id, ifVersion: ifVersion, cancellationToken: http.RequestAborted))
            .ConfigureAwait(false);
        return Answer(http, Found(disabled, endpointId));
    }

    public static async Task<Ok<WebhookSecretResponse>> GetSecretAsync(HttpContext http, string endpointId) =>
        TypedResults.Ok(new WebhookSecretResponse((await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false)).Secrets[0].Value));

    public static async Task<Ok<WebhookSecretResponse>> RotateSecretAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync(http.Request, new WebhookSecretRotationRequest()).ConfigureAwait(false);
        TimeSpan? overlap = request.OverlapSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        if (overlap < TimeSpan.Zero || overlap > s_maxOverlap)
        {
            throw ManagementProblem.Unprocessable("overlapSeconds", $"overlapSeconds is 0 to {s_maxOverlap.TotalSeconds:F0}.");
        }

        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var rotated = Found(
            await Changing(() => endpoints.RotateSecretAsync(endpoint.Id, overlap, ifVersion, http.RequestAborted)).ConfigureAwait(false),
            endpointId);
        EntityTags.Set(http, rotated);
        return TypedResults.Ok(new WebhookSecretResponse(rotated.Secrets[0].Value));
    }

    public static async Task<AcceptedAtRoute<WebhookMessageResponse>> SendTestAsync(HttpContext http, WebhookEventTypes eventTypes, WebhookPublisher publisher, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookTestRequest>(http.Request).ConfigureAwait(false);
        var types = await eventTypes.GetAsync().ConfigureAwait(false);
        var type = types.FirstOrDefault(t => t.Name == request.EventType)
            ?? throw ManagementProblem.Unprocessable("eventType", $"'{request.EventType}' is not an event type; they are: {string.Join(", ", types.Select(t => t.Name))}.");
        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' is disabled; enable it to send it events.");
        }

        var published = await publisher.PublishExampleAsync(type, ManagementRequest.Tenant(http), endpoint.Id, http.RequestAborted).ConfigureAwait(false);
        var (message, deliveries) = await TenantData.MessageAsync(http, published.MessageId).ConfigureAwait(false);
        return TypedResults.AcceptedAtRoute(WebhookMessageResponse.From(message, deliveries), WebhookManagementEndpointRouteBuilderExtensions.GetMessageRoute, new { messageId = message.Id });
    }

    public static async Task<AcceptedAtRoute> ResendAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId, string messageId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var (message, _) = await TenantData.MessageAsync(http, messageId).ConfigureAwait(false);
        RequireEnabled(endpoint);
        if (!await endpoints.ResendAsync(message.Id, endpoint.Id, http.RequestAborted).ConfigureAwait(false))
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' was disabled or deleted meanwhile.");
        }

        return TypedResults.AcceptedAtRoute(WebhookManagementEndpointRouteBuilderExtensions.GetMessageRoute, new { messageId = message.Id });
    }

    public static async Task<Accepted<WebhookRecoverResponse>> RecoverAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookRecoverRequest>(http.Request).ConfigureAwait(false);
        if (request.Since is not { } since)
        {
            throw ManagementProblem.Unprocessable("since", "since is required: failed deliveries of messages published from then on are sent again.");
        }

        RequireEnabled(endpoint);
        var recovered = await endpoints.RecoverAsync(endpoint.Id, since, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new WebhookRecoverResponse(recovered));
    }

    private static WebhookEndpoint Found(WebhookEndpoint? endpoint, string id) =>
        endpoint ?? throw ManagementProblem.NotFound("endpointId", id); // Deleted meanwhile.

    private static void RequireEnabled(WebhookEndpoint endpoint)
    {
        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' is disabled; enable it first.");
        }
    }

    private static WebhookEndpointSettings Settings(WebhookEndpointRequest request) => new()
    {
        Url = request.Url,
        Description = request.Description,
        EventTypes = request.EventTypes,
        RateLimit = request.RateLimit,
    };

    /// <summary>The endpoint as the answer's body, its version as the answer's ETag.</summary>
    private static Ok<WebhookEndpointResponse> Answer(HttpContext http, WebhookEndpoint endpoint)
    {
        EntityTags.Set(http, endpoint);
        return TypedResults.Ok(WebhookEndpointResponse.From(endpoint));
    }

    /// <summary>
    /// Runs a manager call, turning its refusals into problems: of a setting into a 422 naming the JSON
    /// property; of a change overtaken by others into a 412 when the caller's If-Match named a version
    /// that no longer holds, else a 409; of a rotation past the secret limit into a 409.
    /// </summary>
    private static async Task<T> Changing<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } name)
        {
            throw ManagementProblem.Unprocessable(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal));
        }
        catch (WebhookEndpointConflictException e) when (e.ExpectedVersion is not null)
        {
            throw EntityTags.Stale(e.EndpointId);
        }
        catch (WebhookEndpointConflictException e)
        {
            throw ManagementProblem.Conflict("endpointId", e.Message);
        }
        catch (WebhookSecretLimitException e)
        {
            throw ManagementProblem.Conflict("endpointId", e.Message);
        }
    }
}
