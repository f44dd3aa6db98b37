using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hookline.Receiving;

// Ids and paths only: never a secret, a signature or a body.
internal sealed partial class WebhookRequestVerifier
{
    [LoggerMessage(101, LogLevel.Debug, "Verified webhook {WebhookId} on {Path}.")]
    private static partial void LogVerified(ILogger logger, PathString path, string webhookId);

    [LoggerMessage(102, LogLevel.Warning, "Refused webhook {WebhookId} on {Path}: {FailedCheck}.")]
    private static partial void LogRefused(ILogger logger, PathString path, string webhookId, WebhookVerificationResult failedCheck);

    [LoggerMessage(103, LogLevel.Warning, "Refused webhook {WebhookId} on {Path}: already accepted within the replay window.")]
    private static partial void LogReplay(ILogger logger, PathString path, string webhookId);

    [LoggerMessage(104, LogLevel.Warning, "Refused a webhook on {Path}: the body is over the {Limit}-byte limit.")]
    private static partial void LogTooLarge(ILogger logger, PathString path, int limit);
}
