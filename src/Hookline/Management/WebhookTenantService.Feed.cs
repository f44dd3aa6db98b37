using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Management;

/// <summary>Reading a tenant's polling endpoint's feed, at once or waiting for messages.</summary>
internal sealed partial class WebhookTenantService
{
    /// <summary>A page's messages stop adding up past this many bytes of payload (a page has one, however large).</summary>
    internal const int MaxFeedPageBytes = 1024 * 1024;

    /// <summary>After a notification finds nothing yet readable, the first pause before reading again; doubled each time.</summary>
    private static readonly TimeSpan s_soon = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Reads the feed of one of the tenant's polling endpoints after <paramref name="after"/>; when nothing is there, waits up to
    /// <paramref name="wait"/> for messages, reading again on each notification of a publish (here or, told by the store, on another
    /// instance) and at least every poll interval, holding no database connection in between. Each message is signed now, with the
    /// endpoint's secrets, as a delivery sent now would be.
    /// </summary>
    /// <exception cref="ManagementProblem">
    /// 409: the endpoint has a URL, or is disabled; 400: <paramref name="after"/> is not a position of this store; 429: the tenant
    /// (or the instance) has as many reads waiting as it may.
    /// </exception>
    public async Task<TenantFeed> ReadFeedAsync(
        string tenant, WebhookEndpoint endpoint, string? after, int limit, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!endpoint.IsPolling)
        {
            throw ManagementProblem.Conflict(
                "endpointId",
                $"Endpoint '{endpoint.Id}' has a URL: its messages are delivered there, not read from a feed. Register a polling "
                + "endpoint (\"polling\": true) to read messages instead.");
        }

        if (!endpoint.Enabled)
        {
            throw ManagementProblem.Conflict(
                "endpointId",
                $"Endpoint '{endpoint.Id}' is disabled; enable it to read its feed, which goes on from your cursor: nothing published "
                + "meanwhile is missed.");
        }

        using var slot = wait > TimeSpan.Zero ? feedWaits.Enter(tenant) : null;
        var query = new WebhookFeedQuery { Endpoint = endpoint, After = after, Limit = limit };
        var notified = signal.NextNotification;
        WebhookFeedResult page;
        try
        {
            page = await ReadFilteredAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            throw ManagementProblem.BadRequest(
                "cursor", "cursor is not one this API gave out: pass nextCursor (or an item's cursor) as it is.");
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        var started = time.GetTimestamp();
        var interval = options.Value.Delivery.PollInterval;
        TimeSpan? soon = null;
        while (page.Messages.Count == 0 && !page.More)
        {
            var left = wait - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || stopping.IsCancellationRequested)
            {
                break;
            }

            if (await WokenAsync(notified, Min(soon ?? interval, left), stopping.Token).ConfigureAwait(false))
            {
                // Told of a publish: read now, then soon again if it is not readable yet (on PostgreSQL, until transactions that
                // began before it have ended), backing off to the poll interval.
                soon = s_soon;
            }
            else if (soon is { } pause)
            {
                soon = pause * 2 < interval ? pause * 2 : null;
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            notified = signal.NextNotification;
            query = query with { After = page.Position };
            page = await ReadFilteredAsync(query, cancellationToken).ConfigureAwait(false);
        }

        return Signed(endpoint, page);
    }

    /// <summary>
    /// A read of the store's feed, less the messages whose payload does not pass the endpoint's filter for their webhook
    /// (<see cref="WebhookEndpoint.Filters"/>), as fan-out leaves them out of deliveries: the page's position passes them all the same.
    /// </summary>
    private async Task<WebhookFeedResult> ReadFilteredAsync(WebhookFeedQuery query, CancellationToken cancellationToken)
    {
        var page = await feed.ReadFeedAsync(query, cancellationToken).ConfigureAwait(false);
        if (query.Endpoint.Filters is not { Count: > 0 } filters)
        {
            return page;
        }

        return page with
        {
            Messages =
            [
                .. page.Messages.Where(m => !filters.TryGetValue(m.Message.EventType, out var filter) || Passes(filter, m.Message)),
            ],
        };
    }

    private static bool Passes(string filter, WebhookMessage message)
    {
        using var payload = JsonDocument.Parse(message.Payload);
        return WebhookPayloadFilter.Matches(filter, payload.RootElement);
    }

    /// <summary>Whether <paramref name="notified"/> completed before <paramref name="pause"/> passed (or the wait was stopped).</summary>
    private async Task<bool> WokenAsync(Task notified, TimeSpan pause, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(pause, time, timer.Token);
        var first = await Task.WhenAny(notified, delay).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        return first == notified;
    }

    /// <summary>The page's messages up to <see cref="MaxFeedPageBytes"/>, each signed now; the position after the last one kept.</summary>
    private TenantFeed Signed(WebhookEndpoint endpoint, WebhookFeedResult page)
    {
        var now = time.GetUtcNow();
        var kept = new List<(WebhookFeedEntry, DeliverySignature)>(page.Messages.Count);
        long bytes = 0;
        foreach (var message in page.Messages)
        {
            var payload = message.Message.Payload;
            if (kept.Count > 0 && bytes + payload.Length > MaxFeedPageBytes)
            {
                return new TenantFeed(kept, kept[^1].Item1.Position, More: true);
            }

            bytes += payload.Length;
            kept.Add((message, DeliverySignature.Sign(endpoint.Secrets, message.Message.Id, payload.Span, now)));
        }

        return new TenantFeed(kept, page.Position, page.More);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
