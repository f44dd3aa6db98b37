using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// Cross-site request forgery, refused. A browser attaches cookies to a cross-site form post, and the body-less POSTs
/// (enable, disable, resend, rotate) need nothing else; so a change authenticated by a cookie must carry a header that a
/// cross-site page cannot add without a CORS preflight, and must not say it comes from another site. Callers without cookies
/// (API keys, bearer tokens) are not concerned: nothing a browser sends on its own authenticates them.
/// </summary>
internal static class ManagementCsrf
{
    /// <summary>The header, with the value <c>1</c>, that a cookie-authenticated change must carry.</summary>
    public const string Header = "X-Hookline-Csrf";

    /// <summary>Why the request is refused as a possible forgery, or null.</summary>
    public static string? Refusal(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || request.Headers.Cookie.Count == 0)
        {
            return null;
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return "A change sent with cookies from another site is refused.";
        }

        return request.Headers[Header] == "1"
            ? null
            : $"A change sent with cookies must carry the header '{Header}: 1', which other sites cannot send.";
    }
}
