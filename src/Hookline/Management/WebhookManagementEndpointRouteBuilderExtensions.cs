using System.Globalization;
using Hookline;
using Hookline.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the webhook management API: what the API's users call to register their URLs and read their delivery logs.</summary>
public static class WebhookManagementEndpointRouteBuilderExtensions
{
    /// <summary>The OpenAPI tag of the management API's operations.</summary>
    public const string Tag = "Webhook management";

    private const string IfMatch =
        "The answer's `ETag` is the endpoint's version; with `If-Match` (an ETag you read, or `*`) the change is made only if the endpoint "
        + "has not changed since, else refused with 412. Without it, the change applies on top of any made meanwhile.";

    /// <summary>
    /// Maps, under <paramref name="prefix"/>, the REST API through which each tenant (found from the
    /// signed-in user, see <see cref="WebhookManagementOptions"/>) manages its own endpoints, reads its
    /// delivery log and replays failures. Secure it like the rest of the API, e.g. with
    /// <c>.RequireAuthorization()</c>; a call without a tenant is refused (401) whatever the policy.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix, such as <c>/webhooks</c>.</param>
    /// <returns>The API's routes, for conventions such as <c>RequireAuthorization</c>.</returns>
    /// <exception cref="InvalidOperationException">Webhook delivery (a store) or OpenAPI is not set up.</exception>
    public static IEndpointConventionBuilder MapWebhookManagement(this IEndpointRouteBuilder endpoints, string prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var api = MapManagementApi(endpoints, prefix, ManagementRoutes.Main);
        foreach (var extension in endpoints.ServiceProvider.GetServices<IWebhookManagementExtension>())
        {
            extension.Map(api);
        }

        // Beside the group, not in it: the app's conventions on the group (RequireAuthorization) must not reach a receiver
        // fetching public keys.
        endpoints.MapGet($"{prefix.TrimEnd('/')}/endpoints/{{endpointId}}/jwks.json", PublicKeyHandlers.GetKeySetAsync)
            .WithTags(Tag).WithMetadata(ManagementRoutes.Main).WithName(ManagementRoutes.Main.Name("GetWebhookEndpointKeySet"))
            .WithSummary("Read an endpoint's public keys")
            .WithDescription(
                "The public keys that verify the endpoint's `v1a` signatures, as a JSON Web Key Set (RFC 7517; Ed25519 keys as in "
                + "RFC 8037, each named by its RFC 7638 thumbprint as `kid`): the current key, and during a rotation's overlap the "
                + "one before. Needs no API key, so your receiver can fetch it holding no credential; cache it up to "
                + $"{PublicKeyHandlers.MaxAgeSeconds} seconds, and fetch it again when a signature matches no key you hold. Empty when "
                + "the endpoint does not sign with `v1a`.")
            .Produces<WebhookJsonWebKeySetDocument>(StatusCodes.Status200OK, "application/jwk-set+json")
            .WithIdProblems();
        return api;
    }

    /// <summary>
    /// Maps the management API's routes again, under <paramref name="prefix"/>, for a package that serves a user interface over
    /// them, as the dashboard does: the same handlers, tenant rules and answers, with route names ending in
    /// <paramref name="routeNameSuffix"/> (a route name is unique in an app), and without the public key set and the routes of
    /// <see cref="IWebhookManagementExtension"/>s. Set a <see cref="WebhookManagementCaller"/> feature on a request to name its
    /// tenant. Leave these routes out of the app's OpenAPI document (<c>ExcludeFromDescription</c>): the document describes
    /// <c>MapWebhookManagement</c>'s.
    /// </summary>
    /// <param name="endpoints">The route builder to map into, such as the package's own group.</param>
    /// <param name="prefix">The route prefix under <paramref name="endpoints"/>.</param>
    /// <param name="routeNameSuffix">Appended to every route name, such as <c>.Dashboard</c>.</param>
    /// <returns>The group, to which the package adds its own routes: they run after the caller's tenant is found.</returns>
    /// <exception cref="InvalidOperationException">Webhook delivery (a store) or OpenAPI is not set up.</exception>
    public static RouteGroupBuilder MapWebhookManagementRoutes(this IEndpointRouteBuilder endpoints, string prefix, string routeNameSuffix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(routeNameSuffix);
        return MapManagementApi(endpoints, prefix, new ManagementRoutes(routeNameSuffix));
    }

    private static RouteGroupBuilder MapManagementApi(IEndpointRouteBuilder endpoints, string prefix, ManagementRoutes routes)
    {
        var services = endpoints.ServiceProvider;
        if (services.GetService<Hookline.Storage.IWebhookEndpointStore>() is null)
        {
            throw new InvalidOperationException(
                "MapWebhookManagement needs a webhook store: "
                + "add one with builder.Services.AddWebhooks().UseSqlite(\"Data Source=webhooks.db\").");
        }

        var options = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var document = options.Management.DocumentName;
        if (services.GetKeyedService<IOpenApiDocumentProvider>(document) is null)
        {
            throw new InvalidOperationException(
                $"MapWebhookManagement serves each event type's schema from the OpenAPI document '{document}': "
                + $"add it with builder.Services.AddOpenApi(\"{document}\") (or set WebhookOptions.Management.DocumentName).");
        }

        var api = endpoints.MapGroup(prefix).WithTags(Tag).WithMetadata(routes)
            .AddEndpointFilter(ManagementRequest.ResolveTenantAsync);
        api.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Mvc.ProblemDetails), ["application/problem+json"]));

        api.MapGet(
                "/event-types",
                async (WebhookEventTypes types) =>
                    TypedResults.Ok(new WebhookPage<WebhookEventType>(await types.GetAsync().ConfigureAwait(false), null)))
           .WithName(routes.Name("ListWebhookEventTypes")).WithSummary("List the event types")
           .WithDescription("The events you can subscribe an endpoint to, each with the JSON Schema of its payload and an example.");

        var costly = options.Management.CostlyCalls is { PerMinute: { } perMinute, Burst: var burst }
            ? $" Test events, resends and recoveries share a limit of {perMinute} a minute ({burst} at once) per tenant: past it, the "
              + "answer is 429, with `Retry-After`."
            : "";
        var cap = options.MaxEndpointsPerTenant is { } max ? $" You may have {max} endpoints at most: one more is refused (409)." : "";

        var list = api.MapGroup("/endpoints");
        list.MapGet("/", EndpointHandlers.ListAsync).WithName(routes.Name("ListWebhookEndpoints")).WithSummary("List your endpoints")
            .WithDescription("Your endpoints, newest first; page with `limit` (1-100, default 50) and `cursor`.")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest).WithPaging();
        list.MapPost("/", EndpointHandlers.CreateAsync).WithName(routes.Name("CreateWebhookEndpoint")).WithSummary("Register an endpoint")
            .WithDescription(
                "Registers a URL to receive webhooks, or a polling endpoint (`\"polling\": true`, no URL) whose messages you read from "
                + $"its feed. The answer carries its `whsec_` signing secret, and its `ETag`.{cap}")
            .Accepts<WebhookEndpointRequest>("application/json").WithBodyProblems().ProducesProblem(StatusCodes.Status409Conflict);

        var one = list.MapGroup("/{endpointId}").WithIdProblems();
        one.MapGet("/", EndpointHandlers.GetAsync).WithName(routes.Name(ManagementRoutes.GetEndpoint)).WithSummary("Read an endpoint")
           .WithDescription(
               "The endpoint, with its version as the `ETag`: send it back as `If-Match` to change the endpoint only if it is still "
               + "as you read it.");
        one.MapPut("/", EndpointHandlers.UpdateAsync).WithName(routes.Name("UpdateWebhookEndpoint")).WithSummary("Change an endpoint")
           .WithDescription(
               "Replaces the endpoint's URL, description, event types, rate limit and ordering (never its secrets or whether it is "
               + $"enabled). {IfMatch}")
           .Accepts<WebhookEndpointRequest>("application/json").WithBodyProblems().WithPrecondition();
        one.MapDelete("/", EndpointHandlers.DeleteAsync).WithName(routes.Name("DeleteWebhookEndpoint")).WithSummary("Delete an endpoint")
           .WithDescription($"Deletes the endpoint with its delivery log. {IfMatch}").WithPrecondition();
        one.MapPost("/enable", EndpointHandlers.EnableAsync)
           .WithName(routes.Name("EnableWebhookEndpoint")).WithSummary("Enable an endpoint")
           .WithDescription(
               "Enables the endpoint, with a clean record. Deliveries that failed while it was disabled can be sent again with `recover`. "
               + $"{IfMatch}")
           .WithPrecondition();
        one.MapPost("/disable", EndpointHandlers.DisableAsync)
           .WithName(routes.Name("DisableWebhookEndpoint")).WithSummary("Disable an endpoint")
           .WithDescription($"Stops deliveries to the endpoint; pending ones fail (and can be recovered later). {IfMatch}")
           .WithPrecondition();
        one.MapGet("/secret", EndpointHandlers.GetSecretAsync).WithMetadata(RevealsSecretMetadata.Instance)
           .WithName(routes.Name("GetWebhookEndpointSecret")).WithSummary("Read an endpoint's signing secret");
        one.MapPost("/secret/rotate", EndpointHandlers.RotateSecretAsync)
           .WithName(routes.Name("RotateWebhookEndpointSecret")).WithSummary("Rotate an endpoint's signing secret")
           .WithDescription(
               "Gives the endpoint a new secret. The old one keeps signing too, for the overlap (default 24 hours), so your receiver can "
               + "switch without missing a delivery. "
               + $"At most {WebhookEndpointManager.MaxActiveSecrets} secrets sign at once: a rotation that would make more is refused "
               + $"(409) until the oldest overlap ends. {IfMatch}")
           .Accepts<WebhookSecretRotationRequest>(isOptional: true, "application/json").WithBodyProblems().WithPrecondition();
        one.MapPost("/test", EndpointHandlers.SendTestAsync).WithName(routes.Name("SendWebhookTestEvent")).WithSummary("Send a test event")
           .WithDescription($"Sends the example payload of an event type to this endpoint, signed like any delivery.{costly}")
           .Accepts<WebhookTestRequest>("application/json").WithBodyProblems().WithConflict().WithCostlyCallLimit();
        one.MapPost("/recover", EndpointHandlers.RecoverAsync)
           .WithName(routes.Name("RecoverWebhookEndpoint")).WithSummary("Send failed deliveries again")
           .WithDescription($"Sends again every failed or blocked delivery to this endpoint of messages published since a time.{costly}")
           .Accepts<WebhookRecoverRequest>("application/json").WithBodyProblems().WithConflict().WithCostlyCallLimit();
        one.MapPost("/messages/{messageId}/resend", EndpointHandlers.ResendAsync)
           .WithName(routes.Name("ResendWebhookMessage")).WithSummary("Send a message again")
           .WithDescription(
               "Delivers one message to this endpoint again, now, whatever happened before; unless it is being attempted right now, "
               + "which is refused (409): resend it after that attempt ends. A blocked delivery resent goes again before the later ones "
               + $"of its ordering key.{costly}")
           .WithConflict().WithCostlyCallLimit();
        one.MapPost("/messages/{messageId}/skip", EndpointHandlers.SkipAsync)
           .WithName(routes.Name("SkipWebhookMessage")).WithSummary("Skip a blocked delivery")
           .WithDescription(
               "At an endpoint with `ordered` delivery, gives up on the message's `blocked` delivery (its retries ran out, and it holds "
               + "back the later messages of its ordering key): it becomes `failed`, and the next message of its key goes. The answer "
               + "is the message. A delivery that is not blocked is refused (409): only a blocked delivery can be skipped; a failed "
               + "one can be resent.")
           .WithConflict();

        var feed = options.Management.Feed;
        one.MapGet("/feed", FeedHandlers.ReadAsync)
           .WithName(routes.Name("ReadWebhookFeed")).WithSummary("Read a polling endpoint's feed")
           .WithDescription(
               "For receivers that cannot be reached at a URL: the messages of a polling endpoint, oldest first, after `cursor` (none: "
               + "from its registration on), at most `limit` (1-100, default 50) and about 1 MiB of bodies. Each carries its body as "
               + "a delivery sends it (as text) and the headers a delivery carries (`webhook-id`, `webhook-timestamp`, "
               + "`webhook-signature`), signed with the endpoint's secrets now: verify them as you would a delivery. Keep `nextCursor` "
               + "once you have handled the page and read on from it: each message comes once per walk of the feed, never skipped "
               + "(at least once: a read from an older cursor gets messages again; drop a `webhook-id` you handled). With `wait` "
               + $"(seconds, 0-{feed.MaxWait.TotalSeconds:F0}) an empty read waits for messages and answers as soon as one is "
               + $"published. You may have {feed.MaxWaitingPerTenant} reads waiting at once: one more is answered 429, with "
               + "`Retry-After`. The endpoint's event types filter the feed; messages go when retention removes them, and a cursor "
               + "behind them reads on from the oldest kept. An endpoint with a URL, or a disabled one, is refused (409).")
           .WithPaging().WithWait(feed.MaxWait).WithConflict().WithRetryAfter();

        api.MapGet("/messages", LogHandlers.ListMessagesAsync).WithName(routes.Name("ListWebhookMessages")).WithSummary("List messages")
           .WithDescription(
               "The events sent to you, newest first, with their delivery to each of your endpoints. Find one by `messageId` (the "
               + "`webhook-id` header your endpoint received: the list holds it or nothing); filter by `eventType`, `status` (pending, "
               + "succeeded, failed, blocked), `endpointId` (a message lists there once its delivery is made, a moment after it is "
               + "published), and time (`since`, `until`, ISO 8601); page with `limit` (1-100) and `cursor`.")
           .WithIdProblems().WithPaging();
        api.MapGet("/messages/{messageId}", LogHandlers.GetMessageAsync)
           .WithName(routes.Name(ManagementRoutes.GetMessage)).WithSummary("Read a message").WithIdProblems();
        api.MapGet("/attempts", LogHandlers.ListAttemptsAsync)
           .WithName(routes.Name("ListWebhookAttempts")).WithSummary("List delivery attempts")
           .WithDescription(
               "Every attempt at delivering to your endpoints, newest first: status code, duration, the start of the response. "
               + "Filter by `endpointId`, `messageId`, `eventType`, `status` (succeeded, failed), and time (`since`, `until`); "
               + "page with `limit` (1-100) and `cursor`.")
           .WithIdProblems().WithPaging();
        api.MapGet("/stats", LogHandlers.GetStatsAsync).WithName(routes.Name("GetWebhookStats")).WithSummary("Delivery statistics")
           .WithDescription(
               "For each of your endpoints (newest first), or the one given as `endpointId`: how many attempts succeeded and failed in "
               + "each of the last 24 hours and each of the last 7 days (UTC; the last hour and day are the current ones, so far), and "
               + "over the last 24 hours the totals, the success rate (0-1, null without attempts) and the last failure; and when its "
               + "latest successful attempt started (`lastSuccessAt`), however long ago, as far back as the counts are kept (the "
               + "retention and a week more), null if none.")
           .WithIdProblems();
        return api;
    }

    private static TBuilder WithIdProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    private static TBuilder WithBodyProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesValidationProblem(StatusCodes.Status400BadRequest)
               .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
               .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
               .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>412: the change's If-Match no longer holds. (A 409 can answer a change others kept overtaking.)</summary>
    private static TBuilder WithPrecondition<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesValidationProblem(StatusCodes.Status409Conflict).ProducesValidationProblem(StatusCodes.Status412PreconditionFailed);

    private static TBuilder WithConflict<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesValidationProblem(StatusCodes.Status409Conflict);

    /// <summary>
    /// A list's <c>limit</c> as what it is, a whole number from 1 to <see cref="ManagementQuery.MaxLimit"/> (its handler reads it as
    /// text, so that a wrong one gets a problem naming it rather than the framework's bare 400).
    /// </summary>
    private static TBuilder WithPaging<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == "limit") is OpenApiParameter limit)
            {
                limit.Description = $"How many to list: 1 to {ManagementQuery.MaxLimit} (default {ManagementQuery.DefaultLimit}).";
                limit.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = ManagementQuery.MaxLimit.ToString(CultureInfo.InvariantCulture),
                };
            }

            return Task.CompletedTask;
        });

    /// <summary>A feed read's <c>wait</c> as what it is, a whole number of seconds up to <paramref name="max"/>.</summary>
    private static TBuilder WithWait<TBuilder>(this TBuilder builder, TimeSpan max)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(p => p.Name == "wait") is OpenApiParameter wait)
            {
                wait.Description = "When the feed has nothing after `cursor`, how many seconds to wait for messages: "
                    + $"0 to {max.TotalSeconds:F0} (default 0, answer at once).";
                wait.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "0",
                    Maximum = max.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                };
            }

            if (operation.Parameters?.FirstOrDefault(p => p.Name == "cursor") is OpenApiParameter cursor)
            {
                cursor.Description =
                    "Where to read on from: the `nextCursor` of a page, or an item's `cursor`, as given; none for the start.";
            }

            return Task.CompletedTask;
        });

    /// <summary>429: the tenant's costly calls are used up for now; <c>Retry-After</c> says for how long.</summary>
    private static TBuilder WithCostlyCallLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithRetryAfter();

    /// <summary>429: a limit of the tenant's is reached for now; <c>Retry-After</c> says for how long.</summary>
    private static TBuilder WithRetryAfter<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status429TooManyRequests).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.GetValueOrDefault("429") is OpenApiResponse limited)
            {
                limited.Headers ??= new Dictionary<string, IOpenApiHeader>();
                limited.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "In how many seconds to try again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }

            return Task.CompletedTask;
        });
}
