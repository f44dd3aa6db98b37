using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hookline.Receiving;

// Ids and paths only: never a secret, a signature or a body.
internal sealed partial class WebhookRequestVerifier
{
    [LoggerMessage(5001, LogLevel.Debug, "Verified webhook {WebhookId} on {Path}.")]
    private static partial void LogVerified(ILogger logger, PathString path, string webhookId);

    [LoggerMessage(5002, LogLevel.Warning, "Refused webhook {WebhookId} on {Path}: {FailedCheck}.")]
    private static partial void LogRefused(ILogger logger, PathString path, string webhookId, WebhookVerificationResult failedCheck);

    [LoggerMessage(5003, LogLevel.Information, "Acknowledged webhook {WebhookId} on {Path} without running the handler: already handled.")]
    private static partial void LogAcknowledged(ILogger logger, PathString path, string webhookId);

    [LoggerMessage(5004, LogLevel.Warning, "Refused a webhook on {Path}: the body is over the {Limit}-byte limit.")]
    private static partial void LogTooLarge(ILogger logger, PathString path, int limit);

    [LoggerMessage(5005, LogLevel.Warning, "Refused webhook {WebhookId} on {Path}: a copy of it is being handled.")]
    private static partial void LogRunning(ILogger logger, PathString path, string webhookId);

    [LoggerMessage(
        5006,
        LogLevel.Error,
        "Refused webhook {WebhookId} on {Path} with 503: no secret or public key to verify it with, as the sender's key set could "
            + "not be fetched (see the earlier warning).")]
    private static partial void LogNoKeys(ILogger logger, PathString path, string webhookId);
}
