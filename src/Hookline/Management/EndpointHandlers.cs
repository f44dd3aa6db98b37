using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hookline.Management;

/// <summary>
/// The management API's endpoint routes: a tenant's endpoints, their secrets, test events and replays. Each maps the request to a
/// <see cref="WebhookTenantService"/> call and its result (or refusal) to HTTP.
/// </summary>
internal static class EndpointHandlers
{
    public static async Task<Ok<WebhookPage<WebhookEndpointResponse>>> ListAsync(
        HttpContext http, WebhookTenantService tenants, string? limit, string? cursor)
    {
        var before = ManagementQuery.FromCursor(cursor, id => WebhookIds.IsValid(id, "ep_"));
        var pageSize = ManagementQuery.Limit(limit);
        var endpoints = await tenants.ListEndpointsAsync(ManagementRequest.Tenant(http), before, pageSize + 1, http.RequestAborted)
            .ConfigureAwait(false);
        var page = endpoints.Take(pageSize).ToList();
        return TypedResults.Ok(new WebhookPage<WebhookEndpointResponse>(
            [.. page.Select(e => WebhookEndpointResponse.From(e, tenants.Circuit(e)))],
            endpoints.Count > page.Count ? ManagementQuery.Cursor(page[^1].Id) : null));
    }

    public static async Task<CreatedAtRoute<WebhookEndpointResponse>> CreateAsync(HttpContext http, WebhookTenantService tenants)
    {
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var tenant = ManagementRequest.Tenant(http);
        var endpoint = await Changing(() => tenants.CreateEndpointAsync(tenant, Settings(request), http.RequestAborted))
            .ConfigureAwait(false);
        EntityTags.Set(http, endpoint);
        return TypedResults.CreatedAtRoute(
            WebhookEndpointResponse.From(endpoint, tenants.Circuit(endpoint), withSecret: true),
            ManagementRoutes.Of(http).Name(ManagementRoutes.GetEndpoint),
            new { endpointId = endpoint.Id });
    }

    public static async Task<Ok<WebhookEndpointResponse>> GetAsync(HttpContext http, WebhookTenantService tenants, string endpointId) =>
        Answer(http, tenants, await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false));

    public static async Task<Ok<WebhookEndpointResponse>> UpdateAsync(HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookEndpointRequest>(http.Request).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var updated = await Changing(() => tenants.UpdateEndpointAsync(endpoint, Settings(request), ifVersion, http.RequestAborted))
            .ConfigureAwait(false);
        return Answer(http, tenants, updated);
    }

    public static async Task<NoContent> DeleteAsync(HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        await Changing(() => tenants.DeleteEndpointAsync(endpoint, ifVersion, http.RequestAborted)).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookEndpointResponse>> EnableAsync(HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var enabled = await Changing(() => tenants.EnableEndpointAsync(endpoint, ifVersion, http.RequestAborted)).ConfigureAwait(false);
        return Answer(http, tenants, enabled);
    }

    public static async Task<Ok<WebhookEndpointResponse>> DisableAsync(HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var disabled = await Changing(() => tenants.DisableEndpointAsync(endpoint, ifVersion, http.RequestAborted)).ConfigureAwait(false);
        return Answer(http, tenants, disabled);
    }

    public static async Task<Ok<WebhookSecretResponse>> GetSecretAsync(HttpContext http, WebhookTenantService tenants, string endpointId) =>
        TypedResults.Ok(WebhookSecretResponse.Of(await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false)));

    public static async Task<Ok<WebhookSecretResponse>> RotateSecretAsync(HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync(http.Request, new WebhookSecretRotationRequest()).ConfigureAwait(false);
        TimeSpan? overlap = request.OverlapSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        var ifVersion = EntityTags.IfMatch(http, endpoint);
        var rotated = await Changing(() => tenants.RotateSecretAsync(endpoint, overlap, ifVersion, http.RequestAborted))
            .ConfigureAwait(false);
        EntityTags.Set(http, rotated);
        return TypedResults.Ok(WebhookSecretResponse.Of(rotated));
    }

    public static async Task<AcceptedAtRoute<WebhookMessageResponse>> SendTestAsync(
        HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookTestRequest>(http.Request).ConfigureAwait(false);
        var sent = await tenants.SendTestAsync(ManagementRequest.Tenant(http), endpoint, request.EventType, http.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.AcceptedAtRoute(
            WebhookMessageResponse.From(sent.Message, sent.Deliveries),
            ManagementRoutes.Of(http).Name(ManagementRoutes.GetMessage),
            new { messageId = sent.Message.Id });
    }

    public static async Task<AcceptedAtRoute> ResendAsync(
        HttpContext http, WebhookTenantService tenants, string endpointId, string messageId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var id = ManagementQuery.MessageId(messageId, "messageId")!;
        var message = await tenants.ResendAsync(ManagementRequest.Tenant(http), endpoint, id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.AcceptedAtRoute(ManagementRoutes.Of(http).Name(ManagementRoutes.GetMessage), new { messageId = message.Id });
    }

    /// <summary>
    /// 200 with the message, not resend's 202: a skip is done when it answers (the delivery failed, the next of its key is due),
    /// and the message shows it.
    /// </summary>
    public static async Task<Ok<WebhookMessageResponse>> SkipAsync(
        HttpContext http, WebhookTenantService tenants, string endpointId, string messageId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var id = ManagementQuery.MessageId(messageId, "messageId")!;
        var skipped = await tenants.SkipAsync(ManagementRequest.Tenant(http), endpoint, id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(WebhookMessageResponse.From(skipped.Message, skipped.Deliveries));
    }

    public static async Task<Accepted<WebhookRecoverResponse>> RecoverAsync(
        HttpContext http, WebhookTenantService tenants, string endpointId)
    {
        var endpoint = await EndpointAsync(http, tenants, endpointId).ConfigureAwait(false);
        var request = await ManagementRequest.ReadAsync<WebhookRecoverRequest>(http.Request).ConfigureAwait(false);
        if (request.Since is not { } since)
        {
            throw ManagementProblem.Unprocessable(
                "since", "since is required: failed deliveries of messages published from then on are sent again.");
        }

        var recovered = await tenants.RecoverAsync(ManagementRequest.Tenant(http), endpoint, since, http.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new WebhookRecoverResponse(recovered));
    }

    /// <summary>The caller's endpoint named by the route's <c>endpointId</c>.</summary>
    private static Task<WebhookEndpoint> EndpointAsync(HttpContext http, WebhookTenantService tenants, string endpointId) =>
        tenants.GetEndpointAsync(
            ManagementRequest.Tenant(http), ManagementQuery.EndpointId(endpointId, "endpointId")!, http.RequestAborted);

    private static WebhookEndpointSettings Settings(WebhookEndpointRequest request) => new()
    {
        Url = request.Url,
        Polling = request.Polling,
        Description = request.Description,
        EventTypes = request.EventTypes,
        Filters = request.Filters,
        RateLimit = request.RateLimit,
        Ordering = ManagementQuery.Ordering(request.Ordering, "ordering"),
        SignatureSchemes = ManagementQuery.SignatureSchemes(request.SignatureSchemes, "signatureSchemes"),
    };

    /// <summary>The endpoint as the answer's body, its version as the answer's ETag.</summary>
    private static Ok<WebhookEndpointResponse> Answer(HttpContext http, WebhookTenantService tenants, WebhookEndpoint endpoint)
    {
        EntityTags.Set(http, endpoint);
        return TypedResults.Ok(WebhookEndpointResponse.From(endpoint, tenants.Circuit(endpoint)));
    }

    /// <summary>
    /// Runs a change, turning its refusals into problems: of a setting into a 422 naming the JSON
    /// property; of a change overtaken by others into a 412 when the caller's If-Match named a version
    /// that no longer holds, else a 409; of a rotation past the secret limit, or a registration past the endpoint cap, into a 409.
    /// </summary>
    private static async Task Changing(Func<Task> call) =>
        await Changing(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private static async Task<T> Changing<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } name)
        {
            throw ManagementProblem.Unprocessable(
                System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name),
                e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal));
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
        catch (WebhookEndpointLimitException e)
        {
            // No field of the request is at fault: a plain problem.
            throw ManagementProblem.Conflict(
                null, $"You already have {e.MaxEndpoints} endpoints, the most you may have; delete one to register another.");
        }
    }
}
