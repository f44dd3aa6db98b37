using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard;

/// <summary>
/// The headers of every dashboard answer: a Content-Security-Policy that lets the page run only its own files (no inline
/// script or style), frame it only where the options allow, and send nothing anywhere but the app; no referrer, so a link's
/// token never leaves in a <c>Referer</c>.
/// </summary>
internal sealed class DashboardSecurity(IOptions<WebhookDashboardOptions> options)
{
    private readonly string _policy = Policy(options.Value);
    private readonly bool _unframed = options.Value.FrameAncestors.Count == 0;
    private readonly string? _publicOrigin =
        options.Value.PublicBaseUrl is { } url ? new Uri(url).GetLeftPart(UriPartial.Authority) : null;

    public void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (_unframed)
        {
            headers.XFrameOptions = "DENY";
        }
    }

    /// <summary>
    /// Where a form post came from when it is not a page of the app's own origin (what the browser said), else null. Opening a
    /// link is a sign-in: a post from another page, even of the same site, could sign the browser in to someone else's
    /// dashboard (login CSRF). Browsers say where a post comes from in <c>Sec-Fetch-Site</c>, older ones only in
    /// <c>Origin</c> (the app's own, or <see cref="WebhookDashboardOptions.PublicBaseUrl"/>'s behind a proxy); a post with
    /// neither does not come from a browser's form, so it forges nothing.
    /// </summary>
    public string? ForeignSource(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site)
        {
            return site == "same-origin" ? null : $"Sec-Fetch-Site: {site}";
        }

        if (request.Headers.Origin is not { Count: > 0 } origin)
        {
            return null;
        }

        return origin == $"{request.Scheme}://{request.Host}" || origin == _publicOrigin ? null : $"Origin: {origin}";
    }

    /// <summary>The CSP source that allows a logo URL (nothing more for a path on the app), or null if it is not usable.</summary>
    public static string? LogoSource(string url)
    {
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal))
        {
            return "";
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    private static string Policy(WebhookDashboardOptions options)
    {
        var images = new StringBuilder("'self' data:");
        if (options.LogoUrl is { } logo && LogoSource(logo) is { Length: > 0 } origin)
        {
            images.Append(' ').Append(origin);
        }

        var ancestors = options.FrameAncestors.Count == 0 ? "'none'" : string.Join(' ', options.FrameAncestors);
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; connect-src 'self'; object-src 'none'; "
               + $"frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'";
    }
}
