using Microsoft.AspNetCore.Http;

namespace Hookline;

/// <summary>The HTTP methods a webhook can be sent with: those an OpenAPI Path Item has operations for.</summary>
internal static class WebhookMethods
{
    private static readonly string[] s_supported =
    [
        HttpMethods.Get, HttpMethods.Put, HttpMethods.Post, HttpMethods.Delete,
        HttpMethods.Options, HttpMethods.Head, HttpMethods.Patch, HttpMethods.Trace,
    ];

    /// <summary>Upper-cases and de-duplicates <paramref name="methods"/>; throws on an empty list or an unsupported method.</summary>
    public static IReadOnlyList<string> Normalize(string name, IEnumerable<string> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        var normalized = new List<string>();
        foreach (var method in methods)
        {
            var known = s_supported.FirstOrDefault(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException(
                    $"Webhook '{name}': '{method}' is not an HTTP method OpenAPI can describe. "
                    + $"Use one of {string.Join(", ", s_supported)}.",
                    nameof(methods));
            if (!normalized.Contains(known))
            {
                normalized.Add(known);
            }
        }

        return normalized.Count > 0
            ? normalized
            : throw new ArgumentException($"Webhook '{name}' needs at least one HTTP method.", nameof(methods));
    }
}
