using Hookline.Storage;

namespace Hookline.Management;

/// <summary>
/// How deliveries to one of your endpoints went: over the last 24 hours, hour by hour, and day by day over the last 7 days.
/// Hours and days are UTC, and the last 24 hours are the 24 hourly counts: this hour so far and the 23 before.
/// </summary>
public sealed record WebhookEndpointStats
{
    /// <summary>The endpoint.</summary>
    public required string EndpointId { get; init; }

    /// <summary>The attempts of the last 24 hours: how many succeeded and failed, the success rate, the last failure.</summary>
    public required WebhookAttemptSummary Last24Hours { get; init; }

    /// <summary>24 counts, oldest first, each of an hour (UTC): the last is this hour, so far.</summary>
    public required IReadOnlyList<WebhookAttemptCount> Hourly { get; init; }

    /// <summary>7 counts, oldest first, each of a day (UTC): the last is today, so far.</summary>
    public required IReadOnlyList<WebhookAttemptCount> Daily { get; init; }

    /// <summary>
    /// When its latest successful attempt started, however long ago, as far back as the counts are kept (the log's retention
    /// and a week more); <see langword="null"/> when none succeeded in that time.
    /// </summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>When the stats reach back to (the first day's start), as of <paramref name="now"/>.</summary>
    internal static DateTimeOffset Since(DateTimeOffset now) => Hour(now).AddHours(-Hour(now).Hour).AddDays(-6);

    /// <summary>An endpoint's stats as of <paramref name="now"/>, from its hours since <see cref="Since"/> and its last success.</summary>
    internal static WebhookEndpointStats From(
        string endpointId, IReadOnlyList<WebhookAttemptHour> hours, DateTimeOffset? lastSuccessAt, DateTimeOffset now)
    {
        var thisHour = Hour(now);
        var firstHour = thisHour.AddHours(-23);
        var firstDay = Since(now);
        var past = hours.Where(h => h.Start <= thisHour).ToList(); // Not an hour ahead of this clock (another instance's).
        var last24 = past.Where(h => h.Start >= firstHour).ToList();
        var (succeeded, failed) = (last24.Sum(h => h.Succeeded), last24.Sum(h => h.Failed));
        return new()
        {
            EndpointId = endpointId,
            Last24Hours = new WebhookAttemptSummary
            {
                Succeeded = succeeded,
                Failed = failed,
                SuccessRate = succeeded + failed == 0 ? null : (double)succeeded / (succeeded + failed),
                LastFailure = last24.Select(h => h.LastFailure).OfType<WebhookLastFailure>().MaxBy(f => f.At) is { } last
                    ? WebhookAttemptFailure.From(last)
                    : null,
            },
            Hourly = [.. Enumerable.Range(0, 24).Select(i => Count(past, firstHour.AddHours(i), TimeSpan.FromHours(1)))],
            Daily = [.. Enumerable.Range(0, 7).Select(i => Count(past, firstDay.AddDays(i), TimeSpan.FromDays(1)))],
            LastSuccessAt = lastSuccessAt?.ToUniversalTime(),
        };
    }

    private static DateTimeOffset Hour(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static WebhookAttemptCount Count(List<WebhookAttemptHour> hours, DateTimeOffset start, TimeSpan length)
    {
        var within = hours.Where(h => h.Start >= start && h.Start < start + length).ToList();
        return new WebhookAttemptCount(start, within.Sum(h => h.Succeeded), within.Sum(h => h.Failed));
    }
}
