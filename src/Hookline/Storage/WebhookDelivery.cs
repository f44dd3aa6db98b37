namespace Hookline.Storage;

/// <summary>A delivery of one message to one endpoint.</summary>
/// <param name="Id">The delivery id.</param>
/// <param name="MessageId">The message.</param>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Attempts">
/// The attempts made, as the log lists them (<see cref="IWebhookLogReader.QueryAttemptsAsync"/>): every one since it was created,
/// resends and recoveries included (they restart the retry schedule, see <see cref="WebhookLeasedDelivery.Attempts"/>, not this count).
/// </param>
/// <param name="NextAttemptAt">When a pending delivery is next tried (or its lease ends).</param>
public sealed record WebhookDelivery(
    long Id, string MessageId, string EndpointId, WebhookDeliveryStatus Status, int Attempts, DateTimeOffset NextAttemptAt);
