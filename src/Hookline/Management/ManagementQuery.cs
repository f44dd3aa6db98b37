using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Hookline.Management;

/// <summary>Reads the management API's ids, query parameters and cursors, refusing bad ones with the parameter's name.</summary>
internal static class ManagementQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    private const string FeedCursorVersion = "1:";

    private static readonly Dictionary<string, WebhookOrdering> s_orderings =
        Enum.GetValues<WebhookOrdering>().ToDictionary(OrderingName, StringComparer.Ordinal);

    public static string StatusName(Storage.WebhookDeliveryStatus status) => status switch
    {
        Storage.WebhookDeliveryStatus.Pending => "pending",
        Storage.WebhookDeliveryStatus.Succeeded => "succeeded",
        Storage.WebhookDeliveryStatus.Blocked => "blocked",
        _ => "failed",
    };

    /// <summary>An endpoint's ordering as the API names it: <c>none</c>, <c>ordered</c> or <c>orderedSkipFailures</c>.</summary>
    public static string OrderingName(WebhookOrdering ordering) => JsonNamingPolicy.CamelCase.ConvertName(ordering.ToString());

    /// <summary>An endpoint's ordering from its API name (case-sensitive, like every name in the API); none when left out.</summary>
    public static WebhookOrdering Ordering(string? value, string field) =>
        value is null ? WebhookOrdering.None
        : s_orderings.TryGetValue(value, out var ordering) ? ordering
        : throw ManagementProblem.Unprocessable(
            field, $"{field} is {string.Join(", ", s_orderings.Keys)} (leave it out for none); not '{Shorten(value)}'.");

    /// <summary>Signature schemes from their API names (<c>v1</c>, <c>v1a</c>); null when left out. The manager checks the rest.</summary>
    public static List<WebhookSignatureScheme>? SignatureSchemes(IReadOnlyList<string>? values, string field) =>
        values?.Select(value => value switch
        {
            "v1" => WebhookSignatureScheme.V1,
            "v1a" => WebhookSignatureScheme.V1a,
            _ => throw ManagementProblem.Unprocessable(field, $"{field} holds v1, v1a or both; not '{Shorten(value ?? "null")}'."),
        }).ToList();

    /// <summary>An error kind as the API names it: <c>none</c>, <c>httpStatus</c>, <c>timeout</c>...</summary>
    public static string ErrorKindName(Storage.WebhookAttemptErrorKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    public static string? MessageId(string? value, string field) => Id(value, field, "msg_");

    public static string? EndpointId(string? value, string field) => Id(value, field, "ep_");

    public static int Limit(string? value) =>
        value is null ? DefaultLimit
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit ? limit
        : throw ManagementProblem.BadRequest("limit", $"limit is a whole number from 1 to {MaxLimit}.");

    public static DateTimeOffset? Time(string? value, string field) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw ManagementProblem.BadRequest(field, $"{field} is a date and time in ISO 8601, such as 2026-01-31T12:00:00Z.");

    public static Storage.WebhookDeliveryStatus? WebhookDeliveryStatus(string? value) => value switch
    {
        null => null,
        "pending" => Storage.WebhookDeliveryStatus.Pending,
        "succeeded" => Storage.WebhookDeliveryStatus.Succeeded,
        "failed" => Storage.WebhookDeliveryStatus.Failed,
        "blocked" => Storage.WebhookDeliveryStatus.Blocked,
        _ => throw ManagementProblem.BadRequest("status", "status is pending, succeeded, failed or blocked."),
    };

    public static bool? AttemptSucceeded(string? value) => value switch
    {
        null => null,
        "succeeded" => true,
        "failed" => false,
        _ => throw ManagementProblem.BadRequest("status", "status is succeeded or failed."),
    };

    public static string EventType(string? value, WebhookCatalog catalog, string field) =>
        value is not null && catalog.Find(value).Count > 0
            ? value
            : throw ManagementProblem.Unprocessable(
                field, $"'{value}' is not an event type; they are: {string.Join(", ", catalog.Names)}.");

    /// <summary>An opaque cursor: the last item's id, so the next page starts after it whatever was added since.</summary>
    public static string Cursor(string lastId) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(lastId));

    /// <summary>
    /// A feed's cursor: the store's position (none: the feed's start), behind a version, so that a client never builds one and a
    /// later form can be told apart.
    /// </summary>
    public static string FeedCursor(string? position) => Cursor(FeedCursorVersion + position);

    /// <summary>The store's position in a feed's cursor; <see langword="null"/> for the start (no cursor, or one of the start).</summary>
    public static string? FromFeedCursor(string? cursor) =>
        FromCursor(cursor, value => value.StartsWith(FeedCursorVersion, StringComparison.Ordinal)) is { } value
        && value.Length > FeedCursorVersion.Length
            ? value[FeedCursorVersion.Length..]
            : null;

    /// <summary>How long a feed read may wait: a whole number of seconds from 0 to <paramref name="max"/>; none when left out.</summary>
    public static TimeSpan Wait(string? value, TimeSpan max) =>
        value is null ? TimeSpan.Zero
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= max.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw ManagementProblem.BadRequest("wait", $"wait is a whole number of seconds from 0 to {max.TotalSeconds:F0}.");

    public static string? FromCursor(string? cursor, Func<string, bool> isValid)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            var id = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(cursor));
            if (isValid(id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }

        throw ManagementProblem.BadRequest(
            "cursor", "cursor is not one this API gave out: pass nextCursor from the previous page as it is.");
    }

    private static string? Id(string? value, string field, string prefix) =>
        value is null || WebhookIds.IsValid(value, prefix)
            ? value
            : throw ManagementProblem.BadRequest(field, $"'{Shorten(value)}' is not an id of this kind ({prefix}...).");

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
