using Hookline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hookline.Management;

/// <summary>
/// What a tenant may see and do with its webhooks: the management API's handlers (and, through that API, the dashboard) call
/// nothing else. An id of another tenant's is not found, exactly like one that does not exist. The rule of which messages and
/// deliveries a tenant sees is the store's query, given the tenant; of which endpoints, <see cref="GetEndpointAsync"/>. Reading a
/// polling endpoint's feed is in <c>WebhookTenantService.Feed.cs</c>.
/// </summary>
internal sealed partial class WebhookTenantService(
    IWebhookEndpointStore endpoints,
    IWebhookLogReader log,
    IWebhookFeedReader feed,
    IWebhookEndpointManager manager,
    WebhookPublisher publisher,
    WebhookEventTypes eventTypes,
    IOptions<WebhookOptions> options,
    CostlyCallLimiter costlyCalls,
    FeedWaits feedWaits,
    DispatchSignal signal,
    TimeProvider time,
    IHostApplicationLifetime? lifetime = null)
{
    private static readonly TimeSpan s_maxOverlap = TimeSpan.FromDays(7);

    /// <summary>An endpoint's circuit breaker now.</summary>
    public WebhookCircuit Circuit(WebhookEndpoint endpoint) =>
        WebhookCircuit.Of(
            endpoint.ConsecutiveFailures,
            endpoint.FailingSince,
            endpoint.LastFailedAt,
            time.GetUtcNow(),
            options.Value.Delivery.CircuitBreaker);

    /// <summary>The tenant's endpoint with this id.</summary>
    /// <exception cref="ManagementProblem">404: it does not exist, or is another tenant's.</exception>
    public async Task<WebhookEndpoint> GetEndpointAsync(string tenant, string endpointId, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetEndpointAsync(endpointId, cancellationToken).ConfigureAwait(false);
        return endpoint is not null && endpoint.Tenant == tenant ? endpoint : throw ManagementProblem.NotFound("endpointId", endpointId);
    }

    /// <summary>A page of the tenant's endpoints, newest first.</summary>
    public Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(
        string tenant, string? before, int limit, CancellationToken cancellationToken) =>
        endpoints.QueryEndpointsAsync(new WebhookEndpointQuery { Tenant = tenant, Before = before, Limit = limit }, cancellationToken);

    public Task<WebhookEndpoint> CreateEndpointAsync(
        string tenant, WebhookEndpointSettings settings, CancellationToken cancellationToken) =>
        manager.CreateAsync(settings, tenant, cancellationToken: cancellationToken);

    /// <summary>Replaces the settings of an endpoint read with <see cref="GetEndpointAsync"/>.</summary>
    public async Task<WebhookEndpoint> UpdateEndpointAsync(
        WebhookEndpoint endpoint, WebhookEndpointSettings settings, long? ifVersion, CancellationToken cancellationToken) =>
        Found(await manager.UpdateAsync(endpoint.Id, settings, ifVersion, cancellationToken).ConfigureAwait(false), endpoint.Id);

    public async Task DeleteEndpointAsync(WebhookEndpoint endpoint, long? ifVersion, CancellationToken cancellationToken)
    {
        if (!await manager.DeleteAsync(endpoint.Id, ifVersion, cancellationToken).ConfigureAwait(false))
        {
            throw ManagementProblem.NotFound("endpointId", endpoint.Id); // Deleted meanwhile.
        }
    }

    public async Task<WebhookEndpoint> EnableEndpointAsync(
        WebhookEndpoint endpoint, long? ifVersion, CancellationToken cancellationToken) =>
        Found(await manager.EnableAsync(endpoint.Id, ifVersion, cancellationToken).ConfigureAwait(false), endpoint.Id);

    public async Task<WebhookEndpoint> DisableEndpointAsync(
        WebhookEndpoint endpoint, long? ifVersion, CancellationToken cancellationToken) =>
        Found(
            await manager.DisableAsync(endpoint.Id, ifVersion: ifVersion, cancellationToken: cancellationToken).ConfigureAwait(false),
            endpoint.Id);

    /// <summary>Gives the endpoint a new secret; the old ones keep signing for <paramref name="overlap"/> (at most 7 days).</summary>
    public async Task<WebhookEndpoint> RotateSecretAsync(
        WebhookEndpoint endpoint, TimeSpan? overlap, long? ifVersion, CancellationToken cancellationToken)
    {
        if (overlap < TimeSpan.Zero || overlap > s_maxOverlap)
        {
            throw ManagementProblem.Unprocessable("overlapSeconds", $"overlapSeconds is 0 to {s_maxOverlap.TotalSeconds:F0}.");
        }

        return Found(
            await manager.RotateSecretAsync(endpoint.Id, overlap, ifVersion, cancellationToken).ConfigureAwait(false), endpoint.Id);
    }

    /// <summary>Publishes the example of an event type to one of the tenant's endpoints only.</summary>
    public async Task<TenantMessage> SendTestAsync(
        string tenant, WebhookEndpoint endpoint, string? eventType, CancellationToken cancellationToken)
    {
        var types = await eventTypes.GetAsync().ConfigureAwait(false);
        var type = types.FirstOrDefault(t => t.Name == eventType)
            ?? throw ManagementProblem.Unprocessable(
                "eventType", $"'{eventType}' is not an event type; they are: {string.Join(", ", types.Select(t => t.Name))}.");
        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' is disabled; enable it to send it events.");
        }

        costlyCalls.Take(tenant);
        var published = await publisher.PublishExampleAsync(type, tenant, endpoint.Id, cancellationToken).ConfigureAwait(false);
        var sent = await GetMessageAsync(tenant, published.MessageId, cancellationToken).ConfigureAwait(false);
        // A dispatcher makes the delivery after the publish commits, so it may not exist yet; a test event has one, to this
        // endpoint, due from its publish: the answer says so either way. A polling endpoint has none: the event is in its feed.
        return endpoint.IsPolling || sent.Deliveries.Any(d => d.EndpointId == endpoint.Id)
            ? sent
            : sent with
            {
                Deliveries =
                [
                    .. sent.Deliveries,
                    new(0, sent.Message.Id, endpoint.Id, WebhookDeliveryStatus.Pending, 0, sent.Message.CreatedAt),
                ],
            };
    }

    /// <summary>
    /// Delivers one of the tenant's messages to one of its endpoints again, now; refused (409) while that delivery is being attempted.
    /// </summary>
    public async Task<WebhookMessage> ResendAsync(
        string tenant, WebhookEndpoint endpoint, string messageId, CancellationToken cancellationToken)
    {
        var message = await GetMessageAsync(tenant, messageId, cancellationToken).ConfigureAwait(false);
        RequireSent(endpoint, "nothing can be sent again: read the message again from its feed, with a cursor from before it.");
        RequireEnabled(endpoint);
        costlyCalls.Take(tenant);
        return await manager.ResendAsync(message.Message.Id, endpoint.Id, cancellationToken).ConfigureAwait(false) switch
        {
            WebhookResendOutcome.Resent => message.Message,
            WebhookResendOutcome.InFlight => throw ManagementProblem.Conflict(
                "messageId",
                $"Message '{messageId}' is being delivered to endpoint '{endpoint.Id}' right now; resend it after that attempt "
                + "ends (it then appears in the message's attempts)."),
            _ => throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' was disabled or deleted meanwhile."),
        };
    }

    /// <summary>
    /// Gives up on a blocked delivery of one of the tenant's messages to one of its endpoints: it fails, and the later deliveries
    /// of its ordering key go. Refused (409) when the delivery is not blocked. Not a costly call: it sends nothing itself.
    /// </summary>
    /// <returns>The message, with its deliveries after the skip.</returns>
    public async Task<TenantMessage> SkipAsync(
        string tenant, WebhookEndpoint endpoint, string messageId, CancellationToken cancellationToken)
    {
        var message = await GetMessageAsync(tenant, messageId, cancellationToken).ConfigureAwait(false);
        RequireSent(endpoint, "it has no deliveries to skip: its feed is read in order, and a message you cannot handle is yours to pass.");
        var skipped = await manager.SkipAsync(message.Message.Id, endpoint.Id, cancellationToken).ConfigureAwait(false);
        var after = await GetMessageAsync(tenant, messageId, cancellationToken).ConfigureAwait(false);
        if (skipped)
        {
            return after;
        }

        var delivery = $"The delivery of message '{messageId}' to endpoint '{endpoint.Id}'";
        throw ManagementProblem.Conflict("messageId", after.Deliveries.FirstOrDefault(d => d.EndpointId == endpoint.Id)?.Status switch
        {
            null => $"Message '{messageId}' has no delivery to endpoint '{endpoint.Id}', so there is nothing to skip.",
            WebhookDeliveryStatus.Failed => $"{delivery} has failed already: only a blocked delivery can be skipped. Resend it to deliver "
                + "it again.",
            WebhookDeliveryStatus.Succeeded => $"{delivery} has succeeded: only a blocked delivery can be skipped.",
            WebhookDeliveryStatus.Blocked => $"{delivery} became blocked while you asked: skip it again.",
            _ => $"{delivery} is pending (to be attempted, retried, or waiting for the earlier messages of its ordering key): only "
                + "a blocked delivery can be skipped.",
        });
    }

    /// <summary>Sends again the endpoint's failed deliveries of messages published since a time.</summary>
    public Task<int> RecoverAsync(string tenant, WebhookEndpoint endpoint, DateTimeOffset since, CancellationToken cancellationToken)
    {
        RequireSent(
            endpoint, "no delivery to it can fail: its messages stay in its feed until retention, read them from an earlier cursor.");
        RequireEnabled(endpoint);
        costlyCalls.Take(tenant);
        return manager.RecoverAsync(endpoint.Id, since, cancellationToken);
    }

    /// <summary>
    /// A message the tenant may see (published for it, or delivered to one of its endpoints), with its deliveries to them.
    /// </summary>
    /// <exception cref="ManagementProblem">404: it does not exist, or the tenant may not see it.</exception>
    public async Task<TenantMessage> GetMessageAsync(string tenant, string messageId, CancellationToken cancellationToken) =>
        (await ListMessagesAsync(tenant, new WebhookMessageQuery { Id = messageId, Limit = 1 }, cancellationToken).ConfigureAwait(false))
        .SingleOrDefault()
        ?? throw ManagementProblem.NotFound("messageId", messageId);

    /// <summary>
    /// The messages the tenant may see matching <paramref name="query"/>, each with its deliveries to the tenant's endpoints: two
    /// queries, however many messages. A filter on another tenant's endpoint is not found.
    /// </summary>
    public async Task<IReadOnlyList<TenantMessage>> ListMessagesAsync(
        string tenant, WebhookMessageQuery query, CancellationToken cancellationToken)
    {
        if (query.EndpointId is { } endpointId)
        {
            await GetEndpointAsync(tenant, endpointId, cancellationToken).ConfigureAwait(false);
        }

        var messages = await log.QueryMessagesAsync(query with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
        if (messages.Count == 0)
        {
            return [];
        }

        var page = new WebhookDeliveryQuery { Tenant = tenant, MessageIds = [.. messages.Select(m => m.Id)] };
        var deliveries = (await log.QueryDeliveriesAsync(page, cancellationToken).ConfigureAwait(false))
            .ToLookup(d => d.MessageId, StringComparer.Ordinal);
        return [.. messages.Select(m => new TenantMessage(m, [.. deliveries[m.Id]]))];
    }

    /// <summary>
    /// The attempts at the tenant's endpoints matching <paramref name="query"/>. A filter on another tenant's endpoint, or on
    /// a message the tenant may not see, is not found.
    /// </summary>
    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(
        string tenant, WebhookAttemptQuery query, CancellationToken cancellationToken)
    {
        if (query.EndpointId is { } endpointId)
        {
            await GetEndpointAsync(tenant, endpointId, cancellationToken).ConfigureAwait(false);
        }

        if (query.MessageId is { } messageId)
        {
            await GetMessageAsync(tenant, messageId, cancellationToken).ConfigureAwait(false);
        }

        return await log.QueryAttemptsAsync(query with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How deliveries to the tenant's endpoints (newest first), or to one of them, went: per hour over the last 24 hours and per day
    /// over the last 7 (UTC), as of now, and when each last succeeded. Three queries: the endpoints, their hourly counts kept by
    /// the store, and their latest successes, read from those counts.
    /// </summary>
    public async Task<IReadOnlyList<WebhookEndpointStats>> GetStatsAsync(
        string tenant, string? endpointId, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> ids = endpointId is null
            ? [.. (await endpoints.ListEndpointsAsync(tenant, cancellationToken).ConfigureAwait(false)).Select(e => e.Id).Reverse()]
            : [(await GetEndpointAsync(tenant, endpointId, cancellationToken).ConfigureAwait(false)).Id];
        var now = time.GetUtcNow();
        var query = new WebhookAttemptStatsQuery { Tenant = tenant, EndpointId = endpointId, Since = WebhookEndpointStats.Since(now) };
        var hours = (await log.QueryAttemptStatsAsync(query, cancellationToken).ConfigureAwait(false))
            .ToLookup(h => h.EndpointId, StringComparer.Ordinal);
        var successes = await log.QueryLastSuccessesAsync(tenant, endpointId, cancellationToken).ConfigureAwait(false);
        return [.. ids.Select(id => WebhookEndpointStats.From(id, [.. hours[id]], successes.TryGetValue(id, out var at) ? at : null, now))];
    }

    private static WebhookEndpoint Found(WebhookEndpoint? endpoint, string id) =>
        endpoint ?? throw ManagementProblem.NotFound("endpointId", id); // Deleted meanwhile.

    /// <summary>Refuses (409) a call about deliveries for a polling endpoint, which never has any, saying <paramref name="why"/>.</summary>
    private static void RequireSent(WebhookEndpoint endpoint, string why)
    {
        if (endpoint.IsPolling)
        {
            throw ManagementProblem.Conflict(
                "endpointId", $"Endpoint '{endpoint.Id}' is a polling endpoint, never sent anything, so {why}");
        }
    }

    private static void RequireEnabled(WebhookEndpoint endpoint)
    {
        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict("endpointId", $"Endpoint '{endpoint.Id}' is disabled; enable it first.");
        }
    }
}
