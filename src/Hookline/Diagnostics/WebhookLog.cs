using Microsoft.Extensions.Logging;

namespace Hookline;

/// <summary>
/// Hookline's log messages. They name messages and endpoints by id; URLs (but for a refused destination's host), secrets and
/// bodies are never logged.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(
        1001,
        LogLevel.Debug,
        "Delivered {MessageId} ({EventType}) to endpoint {EndpointId}: {StatusCode} in {DurationMs:0.0} ms.")]
    public static partial void Delivered(
        this ILogger logger, string messageId, string eventType, string endpointId, int? statusCode, double durationMs);

    [LoggerMessage(
        1002,
        LogLevel.Information,
        "Attempt {Attempt} to deliver {MessageId} ({EventType}) to endpoint {EndpointId} failed ({ErrorKind} {StatusCode}: {Error}); "
        + "next attempt at {NextAttemptAt:O}.")]
    public static partial void WillRetry(
        this ILogger logger,
        int attempt,
        string messageId,
        string eventType,
        string endpointId,
        Storage.WebhookAttemptErrorKind errorKind,
        int? statusCode,
        string? error,
        DateTimeOffset nextAttemptAt);

    [LoggerMessage(
        1003,
        LogLevel.Warning,
        "Gave up delivering {MessageId} ({EventType}) to endpoint {EndpointId} after {Attempt} attempts "
        + "({ErrorKind} {StatusCode}: {Error}); a resend or recovery replays it.")]
    public static partial void GaveUp(
        this ILogger logger,
        int attempt,
        string messageId,
        string eventType,
        string endpointId,
        Storage.WebhookAttemptErrorKind errorKind,
        int? statusCode,
        string? error);

    [LoggerMessage(1004, LogLevel.Warning, "Disabled webhook endpoint {EndpointId}: {Reason}")]
    public static partial void EndpointDisabled(this ILogger logger, string endpointId, string reason);

    [LoggerMessage(1005, LogLevel.Error, "The webhook dispatcher could not lease deliveries; it tries again in {Delay}.")]
    public static partial void LeaseFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(
        1006,
        LogLevel.Error,
        "Could not record an attempt of delivery {DeliveryId} to endpoint {EndpointId}; the rest of its batch is recorded on "
        + "its own, and this delivery is attempted again when its lease ends.")]
    public static partial void AttemptNotRecorded(this ILogger logger, Exception exception, long deliveryId, string endpointId);

    [LoggerMessage(1007, LogLevel.Information, "Stopping: gave {Count} in-flight webhook deliveries back to the store, due now.")]
    public static partial void Released(this ILogger logger, int count);

    [LoggerMessage(
        1008,
        LogLevel.Error,
        "Could not give {Count} leased webhook deliveries back unattempted; they are due again when their lease ends.")]
    public static partial void ReleaseFailed(this ILogger logger, Exception exception, int count);

    [LoggerMessage(
        1009,
        LogLevel.Information,
        "Deleted {Count} webhook messages created before {Before:O}, with their deliveries and attempts.")]
    public static partial void Purged(this ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(1010, LogLevel.Error, "Could not delete old webhook messages; trying again in {Delay}.")]
    public static partial void PurgeFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(1011, LogLevel.Warning, "Could not read the webhook backlog for metrics.")]
    public static partial void BacklogSampleFailed(this ILogger logger, Exception exception);

    [LoggerMessage(
        1012,
        LogLevel.Error,
        "The webhook dispatcher could not fan published messages out to their endpoints; "
        + "it tries again when it next wakes or polls.")]
    public static partial void ExpandFailed(this ILogger logger, Exception exception);

    [LoggerMessage(
        1013,
        LogLevel.Information,
        "Refused {Host} as a webhook destination (tenant {Tenant}, endpoint {EndpointId}): it resolves to {Addresses}. "
        + "Webhooks go only to public addresses and to the networks in WebhookOptions.Delivery.AllowedNetworks "
        + "(the configuration key Webhooks:Delivery:AllowedNetworks).")]
    public static partial void DestinationRefused(this ILogger logger, string host, string? tenant, string? endpointId, string addresses);

    [LoggerMessage(
        1014,
        LogLevel.Warning,
        "Refused to connect to {Host} for webhook endpoint {EndpointId}: it resolves to {Addresses}. "
        + "Webhooks go only to public addresses and to the networks in WebhookOptions.Delivery.AllowedNetworks "
        + "(the configuration key Webhooks:Delivery:AllowedNetworks).")]
    public static partial void ConnectRefused(this ILogger logger, string host, string? endpointId, string addresses);

    [LoggerMessage(
        1015,
        LogLevel.Error,
        "Could not sign webhook message {MessageId} for endpoint {EndpointId}: nothing was sent, the attempt is recorded as "
        + "failed and retried on its schedule.")]
    public static partial void DeliveryNotSigned(this ILogger logger, Exception exception, string messageId, string endpointId);
}
