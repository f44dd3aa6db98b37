using System.Collections.Concurrent;
using System.Text.Json;
using Hookline.Filtering;

namespace Hookline.Storage;

/// <summary>
/// For stores, at fan-out: whether a message's payload passes the filter an endpoint set for its webhook
/// (<see cref="WebhookEndpoint.Filters"/>). A store parses each message's payload once and asks for each endpoint with a filter.
/// </summary>
public static class WebhookPayloadFilter
{
    private const int MaxCached = 10_000;
    private static readonly ConcurrentDictionary<string, FilterExpression?> s_parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="payload"/> matches <paramref name="filter"/>. Filters are checked when an endpoint is written, so
    /// every stored one parses; were one not to, the payload is delivered (a delivery too many can be ignored, a lost one cannot).
    /// </summary>
    public static bool Matches(string filter, JsonElement payload)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (!s_parsed.TryGetValue(filter, out var parsed))
        {
            if (s_parsed.Count >= MaxCached)
            {
                s_parsed.Clear(); // Bounded: endpoints written with ever new filters do not grow it without end.
            }

            parsed = s_parsed[filter] = TryParse(filter);
        }

        return parsed?.Matches(payload) ?? true;
    }

    private static FilterExpression? TryParse(string filter)
    {
        try
        {
            return PayloadFilterParser.Parse(filter);
        }
        catch (FilterSyntaxException)
        {
            return null;
        }
    }
}
