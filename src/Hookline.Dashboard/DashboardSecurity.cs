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
