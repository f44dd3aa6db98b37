using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard;

/// <summary>
/// Refuses options that would break the page or its Content-Security-Policy (each value lands in a header or a style sheet),
/// naming the option at fault.
/// </summary>
internal sealed partial class WebhookDashboardOptionsValidator : IValidateOptions<WebhookDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDashboardOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Title))
        {
            failures.Add("Webhooks:Dashboard:Title must not be empty.");
        }

        if (!Color().IsMatch(options.AccentColor ?? ""))
        {
            failures.Add($"Webhooks:Dashboard:AccentColor must be #rgb or #rrggbb; it is '{options.AccentColor}'.");
        }

        if (options.LogoUrl is { } logo && DashboardSecurity.LogoSource(logo) is null)
        {
            failures.Add($"Webhooks:Dashboard:LogoUrl must be a path on the app (/logo.svg) or an absolute https URL; it is '{logo}'.");
        }

        if (options.PublicBaseUrl is { } publicBase && !IsBaseUrl(publicBase))
        {
            failures.Add(
                $"Webhooks:Dashboard:PublicBaseUrl must be the app's absolute http(s) URL, without a query or fragment, such as "
                + $"https://api.example.com; it is '{publicBase}'.");
        }

        foreach (var source in options.FrameAncestors)
        {
            if (!FrameSource().IsMatch(source ?? ""))
            {
                failures.Add($"Webhooks:Dashboard:FrameAncestors holds '{source}': use 'self' or origins such as https://app.example.com.");
            }
        }

        Positive(failures, "LinkLifetime", options.LinkLifetime);
        Positive(failures, "SessionIdleTimeout", options.SessionIdleTimeout);
        Positive(failures, "SessionLifetime", options.SessionLifetime);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsBaseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0
        && !url.Contains('?', StringComparison.Ordinal) && !url.Contains('#', StringComparison.Ordinal);

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Dashboard:{name} must be positive; it is {value}.");
        }
    }

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex Color();

    [GeneratedRegex(@"^('self'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$")]
    private static partial Regex FrameSource();
}
