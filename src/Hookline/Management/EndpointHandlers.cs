using Hookline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hookline.Management;

/// <summary>The management API's endpoint routes: a tenant's endpoints, their secrets, test events and replays.</summary>
internal static class EndpointHandlers
{
    private static readonly TimeSpan s_maxOverlap = TimeSpan.FromDays(7);

    public static async Task<Ok<WebhookPage<WebhookEndpointResponse>>> ListAsync(HttpContext http, IWebhookEndpointManager endpoints) =>
        TypedResults.Ok(new WebhookPage<WebhookEndpointResponse>(
            [.. (await endpoints.ListAsync(ManagementRequest.Tenant(http), http.RequestAborted).ConfigureAwait(false)).Select(e => WebhookEndpointResponse.From(e))],
            null));

    public static async Task<CreatedAtRoute<WebhookEndpointResponse>> CreateAsync(HttpContext http, IWebhookEndpointManager endpoints)
    {
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var endpoint = await Refusing(() => endpoints.CreateAsync(Settings(request), ManagementRequest.Tenant(http), cancellationToken: http.RequestAborted)).ConfigureAwait(false);
        return TypedResults.CreatedAtRoute(WebhookEndpointResponse.From(endpoint, withSecret: true), WebhookManagementEndpointRouteBuilderExtensions.GetEndpointRoute, new { endpointId = endpoint.Id });
    }

    public static async Task<Ok<WebhookEndpointResponse>> GetAsync(HttpContext http, string endpointId) =>
        TypedResults.Ok(WebhookEndpointResponse.From(await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false)));

    public static async Task<Ok<WebhookEndpointResponse>> UpdateAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var updated = await Refusing(() => endpoints.UpdateAsync(endpoint.Id, Settings(request), http.RequestAborted)).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(updated, endpointId)));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        await endpoints.DeleteAsync(endpoint.Id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookEndpointResponse>> EnableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(await endpoints.EnableAsync(endpoint.Id, http.RequestAborted).ConfigureAwait(false), endpointId)));
    }

    public static async Task<Ok<WebhookEndpointResponse>> DisableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await TenantData.EndpointAsync(http, endpointId).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(await endpoints.DisableAsync(endpoint.Id, cancellationToken: http.RequestAborted).ConfigureAwait(false), endpointId)));
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

        var rotated = Found(await endpoints.RotateSecretAsync(endpoint.Id, overlap, http.RequestAborted).ConfigureAwait(false), endpointId);
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

    /// <summary>Runs a manager call, turning its refusal of a setting into a 422 naming the JSON property.</summary>
    private static async Task<T> Refusing<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } name)
        {
            throw ManagementProblem.Unprocessable(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal));
        }
    }
}
