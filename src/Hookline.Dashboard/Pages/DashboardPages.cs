using System.Text.Encodings.Web;
using Hookline.Dashboard.Assets;
using Hookline.Dashboard.Links;
using Microsoft.AspNetCore.Http;

namespace Hookline.Dashboard.Pages;

/// <summary>
/// The pages of a link, in plain HTML styled by the dashboard's own sheet: the landing page that takes the token from the
/// link's fragment, the page naming the tenant with the button that opens it, and what went wrong when it cannot.
/// </summary>
internal static class DashboardPages
{
    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    /// <summary>
    /// Where a link lands: its script (no inline script under the CSP) posts the fragment's token to <c>links</c>, which
    /// answers the page naming the tenant. Nothing is opened by this page, or by a scanner that runs its script.
    /// </summary>
    public static IResult Landing(DashboardAssets assets, string root) => Page(
        assets,
        root,
        StatusCodes.Status200OK,
        "Opening your dashboard link",
        $"""
        <h1>Opening your dashboard link…</h1>
        <noscript><p>The dashboard needs JavaScript: turn it on, then open the link again.</p></noscript>
        <form id="link" method="post" action="{Encode($"{root}/links")}"><input type="hidden" name="token"></form>
        <script type="module" src="{Encode($"{root}/assets/{assets.Version}/link.js")}"></script>
        """);

    /// <summary>
    /// The page naming the link's tenant (<paramref name="tenantName"/>, its name for people), with the button that opens it.
    /// When the browser has a session of another tenant (<paramref name="otherTenant"/>, by its name), it says so, and the
    /// button must say "switch" (<paramref name="refusedSwitch"/>: a post without it was refused, 409).
    /// </summary>
    public static IResult Confirm(
        DashboardAssets assets,
        string root,
        string token,
        DashboardLinkToken link,
        string tenantName,
        string? otherTenant,
        bool refusedSwitch)
    {
        var tenant = Encode(tenantName);
        var access = link.ReadOnly ? " You will be able to look, not to change anything." : "";
        var body = otherTenant is null
            ? $"""
              <p>This link opens the webhook dashboard of <strong>{tenant}</strong> in this browser, once.{access}</p>
              {Form(root, token, "1", "Open the dashboard")}
              """
            : $"""
              <p class="problem" role="alert">This browser is signed in to the webhook dashboard of <strong>{Encode(otherTenant)}</strong>.
                Opening this link signs it out of that one, and in to the dashboard of <strong>{tenant}</strong>.</p>
              <p>This link opens the dashboard of <strong>{tenant}</strong>, once.{access} If you did not expect a link to another
                account, keep the dashboard you have.</p>
              {Form(root, token, "switch", $"Switch to {tenantName}")}
              <p><a href="{Encode(root + "/")}">Keep the dashboard of {Encode(otherTenant)}</a></p>
              """;
        return Page(
            assets,
            root,
            refusedSwitch ? StatusCodes.Status409Conflict : StatusCodes.Status200OK,
            "Open your dashboard",
            $"<h1>Open the webhook dashboard of {tenant}</h1>\n{body}");
    }

    public static IResult Refused(DashboardLinkOutcome outcome, DashboardAssets assets, string root)
    {
        var (status, heading, text) = outcome switch
        {
            DashboardLinkOutcome.Used => (
                StatusCodes.Status410Gone,
                "This link was already used",
                "A dashboard link opens the dashboard once. Ask for a new link where you got this one."),
            DashboardLinkOutcome.Expired => (
                StatusCodes.Status410Gone,
                "This link has expired",
                "Dashboard links work for a few minutes only. Ask for a new link where you got this one."),
            DashboardLinkOutcome.Revoked => (
                StatusCodes.Status410Gone,
                "This link was withdrawn",
                "The dashboard's sessions and links of this account were ended after it was made. Ask for a new link."),
            _ => (
                StatusCodes.Status400BadRequest,
                "This link is not valid",
                "It may have been cut short or changed when it was copied. Ask for a new link where you got this one."),
        };
        return Page(assets, root, status, heading, $"<h1>{Encode(heading)}</h1>\n<p>{Encode(text)}</p>");
    }

    /// <summary>A link's form posted from a page of another site: perhaps one signing the browser in to someone else's dashboard.</summary>
    public static IResult CrossSite(DashboardAssets assets, string root) => Page(
        assets,
        root,
        StatusCodes.Status403Forbidden,
        "Open the link itself",
        """
        <h1>Open the link itself</h1>
        <p>This page was sent from another website, so it was not opened: another site must not choose whose dashboard this
          browser shows. Open the dashboard link you were given directly in your browser.</p>
        """);

    private static string Form(string root, string token, string open, string button) => $"""
        <form method="post" action="{Encode($"{root}/links")}">
          <input type="hidden" name="token" value="{Encode(token)}">
          <button type="submit" name="open" value="{open}">{Encode(button)}</button>
        </form>
        """;

    private static IResult Page(DashboardAssets assets, string root, int status, string title, string main)
    {
        var page = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <meta name="color-scheme" content="light dark">
              <title>{{Encode(title)}}</title>
              <link rel="icon" href="{{Encode($"{root}/assets/{assets.Version}/icon.svg")}}" type="image/svg+xml">
              <link rel="stylesheet" href="{{Encode($"{root}/assets/{assets.Version}/style.css")}}">
              <link rel="stylesheet" href="{{Encode($"{root}/assets/{assets.Version}/theme.css")}}">
            </head>
            <body>
              <main class="notice">
            {{main}}
              </main>
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", statusCode: status);
    }

    private static string Encode(string text) => s_html.Encode(text);
}
