using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// Cross-site request forgery, refused. A browser sends some credentials on its own: cookies, and sign-ins without a cookie
/// (Windows, client certificates, Basic); and the body-less POSTs (enable, disable, resend, rotate) need nothing else. So a
/// change a browser says comes from another site (<c>Sec-Fetch-Site: cross-site</c>) is refused whatever authenticates it,
/// and a change authenticated by a cookie must also carry a header that a cross-site page cannot add without a CORS
/// preflight (older browsers send no <c>Sec-Fetch-Site</c>). API clients (API keys, bearer tokens) send neither header and
/// are not concerned: nothing a browser sends on its own authenticates them.
/// </summary>
public static class WebhookManagementCsrf
{
    /// <summary>The header, with the value <c>1</c>, that a cookie-authenticated change must carry.</summary>
    public const string Header = "X-Hookline-Csrf";

    /// <summary>The 403 answer to a request refused as a possible forgery, or null.</summary>
    /// <param name="request">The request, refused if it is a change sent from another site, or with cookies and without
    /// <see cref="Header"/>.</param>
    /// <returns>A problem answer, or <see langword="null"/> when the request may go on.</returns>
    public static IResult? Refuse(HttpRequest request) => Refusal(request) is { } forgery
        ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Possible cross-site request forgery.", detail: forgery)
        : null;

    /// <summary>Why the request is refused as a possible forgery, or null.</summary>
    private static string? Refusal(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return null;
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return "A change sent from another site is refused.";
        }

        return request.Headers.Cookie.Count == 0 || request.Headers[Header] == "1"
            ? null
            : $"A change sent with cookies must carry the header '{Header}: 1', which other sites cannot send.";
    }
}
