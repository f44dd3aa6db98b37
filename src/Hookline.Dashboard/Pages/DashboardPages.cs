using System.Text.Encodings.Web;
using Hookline.Dashboard.Assets;
using Hookline.Dashboard.Links;
using Microsoft.AspNetCore.Http;

namespace Hookline.Dashboard.Pages;

/// <summary>The pages a refused link shows: what happened and what to do, in plain HTML, styled by the dashboard's own sheet.</summary>
internal static class DashboardPages
{
    public static IResult LinkRefused(DashboardLinkOutcome outcome, DashboardAssets assets, string root)
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
            _ => (
                StatusCodes.Status400BadRequest,
                "This link is not valid",
                "It may have been cut short or changed when it was copied. Ask for a new link where you got this one."),
        };
        var html = HtmlEncoder.Default;
        var page = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{html.Encode(heading)}}</title>
              <link rel="stylesheet" href="{{html.Encode($"{root}/assets/{assets.Version}/style.css")}}">
              <link rel="stylesheet" href="{{html.Encode($"{root}/assets/{assets.Version}/theme.css")}}">
            </head>
            <body>
              <main class="notice">
                <h1>{{html.Encode(heading)}}</h1>
                <p>{{html.Encode(text)}}</p>
              </main>
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", statusCode: status);
    }
}
