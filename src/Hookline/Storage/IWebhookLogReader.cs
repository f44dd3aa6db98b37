namespace Hookline.Storage;

/// <summary>
/// Reads the delivery log: the messages published, their deliveries, and every attempt. Read only.
/// </summary>
/// <remarks>The management API uses it.</remarks>
public interface IWebhookLogReader
{
    /// <summary>The message with this id, or <see langword="null"/>.</summary>
    Task<WebhookMessage?> GetMessageAsync(string id, CancellationToken cancellationToken);

    /// <summary>Messages matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<WebhookMessage>> QueryMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken);

    /// <summary>The deliveries of a message.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>The deliveries of some messages to one tenant's endpoints, in id order.</summary>
    Task<IReadOnlyList<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>The attempts at delivering a message, oldest first.</summary>
    Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Attempts matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<WebhookAttempt>> QueryAttemptsAsync(WebhookAttemptQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The attempts at a tenant's endpoints counted by endpoint and hour (UTC), from <see cref="WebhookAttemptStatsQuery.Since"/>: only the
    /// hours with attempts, by endpoint id then hour. Answered from counts kept as attempts are recorded (see
    /// <see cref="IWebhookDeliveryQueue.CompleteAsync"/>), never by reading every attempt; kept a week past the retention.
    /// </summary>
    Task<IReadOnlyList<WebhookAttemptHour>> QueryAttemptStatsAsync(WebhookAttemptStatsQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// When the latest successful attempt at each of a tenant's endpoints, or at one of them (<paramref name="endpointId"/>),
    /// started: by endpoint id, without the endpoints that have none. Answered from the hourly counts
    /// (<see cref="QueryAttemptStatsAsync"/>), which keep each hour's latest success: a few rows an endpoint (its newest hour
    /// with a success, after the hours it has been failing since), never its attempts. So it reaches back as far as they do.
    /// </summary>
    /// <param name="tenant">Only this tenant's endpoints.</param>
    /// <param name="endpointId">Only this endpoint (of the <paramref name="tenant"/>); <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> QueryLastSuccessesAsync(
        string tenant, string? endpointId, CancellationToken cancellationToken);
}
