using Microsoft.Extensions.Logging;

namespace Hookline.Receiving;

// The URL without its query, which may carry a token.
internal sealed partial class WebhookPublicKeySets
{
    [LoggerMessage(5007, LogLevel.Information, "Fetched {KeyCount} webhook public keys from {Url}.")]
    private static partial void LogFetched(ILogger logger, string url, int keyCount);

    [LoggerMessage(
        5008,
        LogLevel.Warning,
        "Could not fetch the webhook public keys from {Url}; verifying with the {KeyCount} fetched before: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string url, int keyCount, string error);
}
