using Hookline.Storage;
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

    public static async Task<Created<WebhookEndpointResponse>> CreateAsync(HttpContext http, IWebhookEndpointManager endpoints)
    {
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var endpoint = await Refusing(() => endpoints.CreateAsync(Settings(request), ManagementRequest.Tenant(http), cancellationToken: http.RequestAborted)).ConfigureAwait(false);
        return TypedResults.Created($"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{endpoint.Id}", WebhookEndpointResponse.From(endpoint, withSecret: true));
    }

    public static async Task<Ok<WebhookEndpointResponse>> GetAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId) =>
        TypedResults.Ok(WebhookEndpointResponse.From(await FindAsync(http, endpoints, endpointId).ConfigureAwait(false)));

    public static async Task<Ok<WebhookEndpointResponse>> UpdateAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var updated = await Refusing(() => endpoints.UpdateAsync(endpoint.Id, Settings(request), http.RequestAborted)).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(updated, endpointId)));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        await endpoints.DeleteAsync(endpoint.Id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookEndpointResponse>> EnableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(await endpoints.EnableAsync(endpoint.Id, http.RequestAborted).ConfigureAwait(false), endpointId)));
    }

    public static async Task<Ok<WebhookEndpointResponse>> DisableAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        return TypedResults.Ok(WebhookEndpointResponse.From(Found(await endpoints.DisableAsync(endpoint.Id, cancellationToken: http.RequestAborted).ConfigureAwait(false), endpointId)));
    }

    public static async Task<Ok<WebhookSecretResponse>> GetSecretAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId) =>
        TypedResults.Ok(new WebhookSecretResponse((await FindAsync(http, endpoints, endpointId).ConfigureAwait(false)).Secrets[0].Value));

    public static async Task<Ok<WebhookSecretResponse>> RotateSecretAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync(http.Request, new WebhookSecretRotationRequest()).ConfigureAwait(false);
        TimeSpan? overlap = request.OverlapSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        if (overlap < TimeSpan.Zero || overlap > s_maxOverlap)
        {
            throw ManagementProblem.Unprocessable("overlapSeconds", $"overlapSeconds is 0 to {s_maxOverlap.TotalSeconds:F0}.");
        }

        var rotated = Found(await endpoints.RotateSecretAsync(endpoint.Id, overlap, http.RequestAborted).ConfigureAwait(false), endpointId);
        return TypedResults.Ok(new WebhookSecretResponse(rotated.Secrets[0].Value));
    }

    public static async Task<Accepted<WebhookMessageResponse>> SendTestAsync(HttpContext http, IWebhookEndpointManager endpoints, WebhookEventTypes eventTypes, WebhookPublisher publisher, IWebhookStore store, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookTestRequest>(http.Request).ConfigureAwait(false);
        var types = await eventTypes.GetAsync().ConfigureAwait(false);
        var type = types.FirstOrDefault(t => t.Name == request.EventType)
            ?? throw ManagementProblem.Unprocessable("eventType", $"'{request.EventType}' is not an event type; they are: {string.Join(", ", types.Select(t => t.Name))}.");
        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' is disabled; enable it to send it events.");
        }

        var tenant = ManagementRequest.Tenant(http);
        var published = await publisher.PublishExampleAsync(type, tenant, endpoint.Id, http.RequestAborted).ConfigureAwait(false);
        var message = (await store.GetMessageAsync(published.MessageId, http.RequestAborted).ConfigureAwait(false))!;
        var deliveries = await store.ListDeliveriesAsync(message.Id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Accepted($"{http.Request.PathBase}{Prefix(http)}/messages/{message.Id}", WebhookMessageResponse.From(message, deliveries));
    }

    public static async Task<Accepted> ResendAsync(HttpContext http, IWebhookEndpointManager endpoints, IWebhookStore store, string endpointId, string messageId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        var message = await LogHandlers.FindMessageAsync(http, store, messageId).ConfigureAwait(false);
        RequireEnabled(endpoint);
        if (!await endpoints.ResendAsync(message.Id, endpoint.Id, http.RequestAborted).ConfigureAwait(false))
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' was disabled or deleted meanwhile.");
        }

        return TypedResults.Accepted($"{http.Request.PathBase}{Prefix(http)}/messages/{message.Id}");
    }

    public static async Task<Accepted<WebhookRecoverResponse>> RecoverAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var endpoint = await FindAsync(http, endpoints, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookRecoverRequest>(http.Request).ConfigureAwait(false);
        if (request.Since is not { } since)
        {
            throw ManagementProblem.Unprocessable("since", "since is required: failed deliveries of messages published from then on are sent again.");
        }

        RequireEnabled(endpoint);
        var recovered = await endpoints.RecoverAsync(endpoint.Id, since, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new WebhookRecoverResponse(recovered));
    }

    /// <summary>The caller's endpoint with this id; another tenant's is not found, exactly like one that does not exist.</summary>
    public static async Task<WebhookEndpoint> FindAsync(HttpContext http, IWebhookEndpointManager endpoints, string endpointId)
    {
        var id = ManagementQuery.EndpointId(endpointId, "endpointId")!;
        var endpoint = await endpoints.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        return endpoint is not null && endpoint.Tenant == ManagementRequest.Tenant(http) ? endpoint : throw ManagementProblem.NotFound("endpointId", id);
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

    /// <summary>The API's own prefix: the path up to <c>/endpoints</c>.</summary>
    private static string Prefix(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        return path[..path.LastIndexOf("/endpoints/", StringComparison.Ordinal)];
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
