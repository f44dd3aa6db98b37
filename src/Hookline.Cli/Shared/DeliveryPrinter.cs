using System.Globalization;
using Spectre.Console;

namespace Hookline.Cli.Shared;

/// <summary>
/// How <c>listen</c> and <c>poll</c> print a webhook: whether its signature verified, its id, event, when it was signed and where
/// it came from, then its body as indented JSON, everything a terminal would act on escaped.
/// </summary>
internal static class DeliveryPrinter
{
    private static readonly Lock Printing = new();

    /// <param name="source">Where it came from, as <c>name=value</c>: <c>path=/hooks/x</c>, <c>endpoint=ep_...</c>.</param>
    /// <param name="eventName">Its event.</param>
    /// <param name="id">Its <c>webhook-id</c>.</param>
    /// <param name="timestamp">Its <c>webhook-timestamp</c>.</param>
    /// <param name="verdict">What verifying it found.</param>
    /// <param name="body">Its body.</param>
    /// <param name="refused">What was done with it when it did not verify, such as <c>answered 401</c>.</param>
    public static void Print(
        string source, string eventName, string? id, string? timestamp, WebhookVerificationResult verdict, string body, string refused)
    {
        var when = long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("u", CultureInfo.InvariantCulture)
            : timestamp ?? "-";
        var verified = verdict == WebhookVerificationResult.Verified;
        lock (Printing)
        {
            var (color, word) = verified ? ("green", "verified") : ("red", "refused");
            var delivery = TerminalText.Escape($"{id ?? "-"} event={eventName} at={when} {source}");
            AnsiConsole.MarkupLineInterpolated($"[{color}]{word}[/] {delivery}");
            if (!verified)
            {
                AnsiConsole.MarkupLineInterpolated($"  [red]{verdict}[/]: {refused}");
            }

            Console.WriteLine(TerminalText.Escape(Json.Pretty(body), keepLineFeeds: true));
            Console.WriteLine();
        }
    }
}
