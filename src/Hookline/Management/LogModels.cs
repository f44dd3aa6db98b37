using System.Text.Json;
using Hookline.Storage;

namespace Hookline.Management;

/// <summary>One page of a list, newest first.</summary>
/// <typeparam name="T">What is listed.</typeparam>
/// <param name="Data">The items.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next (older) page; null on the last page.</param>
public sealed record WebhookPage<T>(IReadOnlyList<T> Data, string? NextCursor);

/// <summary>A published event and how its delivery to your endpoints went.</summary>
public sealed record WebhookMessageResponse
{
    /// <summary>The message id, <c>msg_...</c>: the <c>webhook-id</c> header of every delivery of it.</summary>
    public required string Id { get; init; }

    /// <summary>Its event type.</summary>
    public required string EventType { get; init; }

    /// <summary>When it was published.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The body sent, exactly.</summary>
    public required JsonElement Payload { get; init; }

    /// <summary>Its delivery to each of your endpoints.</summary>
    public required IReadOnlyList<WebhookDeliveryResponse> Deliveries { get; init; }

    internal static WebhookMessageResponse From(WebhookMessage message, IEnumerable<WebhookDelivery> deliveries) => new()
    {
        Id = message.Id,
        EventType = message.EventType,
        CreatedAt = message.CreatedAt,
        Payload = JsonSerializer.Deserialize<JsonElement>(message.Payload.Span),
        Deliveries = [.. deliveries.Select(WebhookDeliveryResponse.From)],
    };
}

/// <summary>The delivery of a message to one endpoint.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Status">
/// What became of it: <c>pending</c> (to be attempted, or retried; at an ordered endpoint, also waiting for the earlier messages of
/// its ordering key), <c>succeeded</c>, <c>failed</c> (retries used up, skipped, or the endpoint disabled) or <c>blocked</c> (at an
/// endpoint with <c>ordered</c> delivery, retries used up: the later messages of its ordering key wait until it is resent or skipped).
/// </param>
/// <param name="Attempts">How many attempts were made, resends included: as many as <c>/attempts</c> lists for it.</param>
/// <param name="NextAttemptAt">When it is next attempted, while pending.</param>
public sealed record WebhookDeliveryResponse(string EndpointId, string Status, int Attempts, DateTimeOffset? NextAttemptAt)
{
    internal static WebhookDeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.EndpointId,
        ManagementQuery.StatusName(delivery.Status),
        delivery.Attempts,
        delivery.Status == WebhookDeliveryStatus.Pending ? delivery.NextAttemptAt : null);
}

/// <summary>One attempt at delivering a message to an endpoint.</summary>
public sealed record WebhookAttemptResponse
{
    /// <summary>The attempt's id.</summary>
    public required long Id { get; init; }

    /// <summary>The message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The endpoint.</summary>
    public required string EndpointId { get; init; }

    /// <summary>The message's event type.</summary>
    public required string EventType { get; init; }

    /// <summary>When the request was sent.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long until the response (or the failure), in milliseconds.</summary>
    public required double DurationMs { get; init; }

    /// <summary>Whether the endpoint answered 2xx.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The response's status code, if there was a response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The first 4 KiB of the response body.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>
    /// How it failed: <c>none</c>, <c>httpStatus</c>, <c>timeout</c>, <c>dns</c>, <c>connectionRefused</c>, <c>connectionReset</c>,
    /// <c>tls</c>, <c>forbidden</c>, <c>other</c> or <c>signing</c> (nothing was sent).
    /// </summary>
    public required string ErrorKind { get; init; }

    /// <summary>The failure, in words.</summary>
    public string? Error { get; init; }

    internal static WebhookAttemptResponse From(WebhookAttempt attempt) => new()
    {
        Id = attempt.Id,
        MessageId = attempt.MessageId,
        EndpointId = attempt.EndpointId,
        EventType = attempt.EventType,
        StartedAt = attempt.StartedAt,
        DurationMs = attempt.Duration.TotalMilliseconds,
        Succeeded = attempt.ErrorKind == WebhookAttemptErrorKind.None,
        StatusCode = attempt.StatusCode,
        ResponseBody = attempt.ResponseBody,
        ErrorKind = ManagementQuery.ErrorKindName(attempt.ErrorKind),
        Error = attempt.Error,
    };
}
