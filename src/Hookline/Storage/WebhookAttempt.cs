namespace Hookline.Storage;

/// <summary>One attempt in the delivery log.</summary>
/// <param name="Id">The attempt's id: attempts recorded later have greater ids.</param>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="MessageId">The message.</param>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="EventType">The event type: the declared webhook's name.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="StatusCode">The response status, if any.</param>
/// <param name="ResponseBody">The first 4 KiB of the response body.</param>
/// <param name="ErrorKind">How it failed, if it did.</param>
/// <param name="Error">The failure's message.</param>
public sealed record WebhookAttempt(
    long Id,
    long DeliveryId,
    string MessageId,
    string EndpointId,
    string EventType,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? StatusCode,
    string? ResponseBody,
    WebhookAttemptErrorKind ErrorKind,
    string? Error);
