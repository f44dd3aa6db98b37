using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Hookline.Dashboard;

/// <summary>
/// How the webhook dashboard (<c>MapWebhookDashboard</c>) looks, who may frame it, and how long its links and sessions last.
/// </summary>
public sealed partial class WebhookDashboardOptions : IValidatableObject
{
    private const string AccentColorError = "Webhooks:Dashboard:AccentColor must be #rgb or #rrggbb.";

    /// <summary>The page's title and heading.</summary>
    /// <value><c>Webhooks</c>. Not empty.</value>
    [Required(ErrorMessage = "Webhooks:Dashboard:Title must not be empty.")]
    public string Title { get; set; } = "Webhooks";

    /// <summary>The colour of buttons, links and focus rings, as <c>#rgb</c> or <c>#rrggbb</c>.</summary>
    /// <value><c>#2563eb</c>.</value>
    [Required(ErrorMessage = AccentColorError)]
    [RegularExpression("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", ErrorMessage = AccentColorError)]
    public string AccentColor { get; set; } = "#2563eb";

    /// <summary>
    /// A logo shown next to the title: a path on the app (<c>/logo.svg</c>) or an absolute https URL, whose origin the
    /// Content-Security-Policy then allows for images.
    /// </summary>
    /// <value>None.</value>
    public string? LogoUrl { get; set; }

    /// <summary>
    /// The name people know a tenant by, shown in the dashboard's header (who is signed in) and on a link's pages: given the
    /// request and the tenant, the app's name for it (an organization's name from the app's database, say: take services from
    /// <see cref="HttpContext.RequestServices"/>, and stop at <see cref="HttpContext.RequestAborted"/>). It runs when the page
    /// loads and when a link's page names its tenant, never on the API's other calls. <see langword="null"/> or empty: the
    /// tenant is shown as it is. One that needs no I/O answers with <c>ValueTask.FromResult</c>:
    /// <c>o.TenantDisplayName = (http, tenant) => ValueTask.FromResult(names.GetValueOrDefault(tenant))</c>.
    /// </summary>
    /// <value>None: the tenant is shown as it is.</value>
    public Func<HttpContext, string, ValueTask<string?>>? TenantDisplayName { get; set; }

    /// <summary>
    /// Who may show the dashboard in a frame: CSP <c>frame-ancestors</c> sources such as <c>'self'</c> or
    /// <c>https://app.example.com</c>.
    /// </summary>
    /// <value>Empty: nobody (<c>'none'</c>).</value>
    public IList<string> FrameAncestors { get; } = [];

    /// <summary>
    /// The app's public root URL, with its path base if it has one (<c>https://api.example.com</c>,
    /// <c>https://example.com/api</c>): one-time links are made under it. Never taken from a request's <c>Host</c> header,
    /// which the caller chooses. When it is not set, <c>POST dashboard-links</c> makes links under the request's own URL in
    /// Development only, and elsewhere answers 500 (the log names this option); <see cref="IWebhookDashboardLinks"/> then makes
    /// links relative to the app's root.
    /// </summary>
    /// <value>None.</value>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a one-time link can be opened after it is made.</summary>
    /// <value>10 minutes. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Dashboard:LinkLifetime must be positive.")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A session opened by a link ends after this long without a call to the dashboard's API.</summary>
    /// <value>30 minutes. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Dashboard:SessionIdleTimeout must be positive.")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session opened by a link ends this long after it was opened, however active.</summary>
    /// <value>8 hours. Positive.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Dashboard:SessionLifetime must be positive.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The rules data annotations cannot state, checked with them at start: each URL and frame source is one the page's
    /// Content-Security-Policy and links can hold.
    /// </summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (LogoUrl is { } logo && DashboardSecurity.LogoSource(logo) is null)
        {
            yield return new ValidationResult(
                $"Webhooks:Dashboard:LogoUrl must be a path on the app (/logo.svg) or an absolute https URL; it is '{logo}'.");
        }

        if (PublicBaseUrl is { } publicBase && !IsBaseUrl(publicBase))
        {
            yield return new ValidationResult(
                "Webhooks:Dashboard:PublicBaseUrl must be the app's absolute http(s) URL, without a query or fragment, such as "
                + $"https://api.example.com; it is '{publicBase}'.");
        }

        foreach (var source in FrameAncestors.Where(s => !FrameSource().IsMatch(s ?? "")))
        {
            yield return new ValidationResult(
                $"Webhooks:Dashboard:FrameAncestors holds '{source}': use 'self' or origins such as https://app.example.com.");
        }
    }

    private static bool IsBaseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0
        && !url.Contains('?', StringComparison.Ordinal) && !url.Contains('#', StringComparison.Ordinal);

    [GeneratedRegex(@"^('self'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$")]
    private static partial Regex FrameSource();
}
