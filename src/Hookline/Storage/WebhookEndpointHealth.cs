namespace Hookline.Storage;

/// <summary>
/// What a batch of attempts says about one endpoint: healthy if its latest attempt succeeded, else failing from its
/// first failure after its latest success (or since before the batch, if none of the batch succeeded). One rule for every
/// store: <see cref="IWebhookDeliveryQueue.CompleteAsync"/> applies it once per endpoint of the batch.
/// </summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Succeeded">Whether its latest attempt of the batch succeeded.</param>
/// <param name="FailingSinceSuccess">Whether it failed after a success of the batch: the failure before that no longer counts.</param>
/// <param name="FailingFrom">Its first failure after its latest success; <see langword="null"/> when it succeeded.</param>
/// <param name="Failures">
/// Its failed attempts after its latest success of the batch (all of them when none succeeded): added to the endpoint's
/// <see cref="WebhookEndpoint.ConsecutiveFailures"/>, or replacing them when <paramref name="FailingSinceSuccess"/> or
/// <paramref name="Succeeded"/>.
/// </param>
/// <param name="LastFailedAt">Its latest failure of the batch, if any failed after its latest success.</param>
public sealed record WebhookEndpointHealth(
    string EndpointId, bool Succeeded, bool FailingSinceSuccess, DateTimeOffset? FailingFrom, int Failures, DateTimeOffset? LastFailedAt)
{
    /// <summary>The health of each endpoint the attempts went to, in endpoint id order (ordinal).</summary>
    /// <param name="results">The attempts of one batch.</param>
    /// <returns>One health per endpoint.</returns>
    public static IReadOnlyList<WebhookEndpointHealth> Of(IEnumerable<WebhookCompletedAttempt> results) =>
        [.. results.GroupBy(r => r.EndpointId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(Of)];

    private static WebhookEndpointHealth Of(IGrouping<string, WebhookCompletedAttempt> attempts)
    {
        var lastSuccess = attempts.Where(a => a.Status == WebhookDeliveryStatus.Succeeded).Max(a => (DateTimeOffset?)a.StartedAt);
        var failuresAfter = attempts
            .Where(a => a.Status != WebhookDeliveryStatus.Succeeded && (lastSuccess is null || a.StartedAt > lastSuccess))
            .Select(a => a.StartedAt)
            .ToList();
        return failuresAfter.Count == 0
            ? new WebhookEndpointHealth(attempts.Key, Succeeded: true, FailingSinceSuccess: false, FailingFrom: null, 0, null)
            : new WebhookEndpointHealth(
                attempts.Key,
                Succeeded: false,
                FailingSinceSuccess: lastSuccess is not null,
                failuresAfter.Min(),
                failuresAfter.Count,
                failuresAfter.Max());
    }
}
