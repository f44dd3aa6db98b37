using System.Collections.Concurrent;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// What the dashboard's browser tests do with its pages: open a tenant's link in a fresh browser context, check that a page fits
/// the screen and what axe-core finds in it.
/// </summary>
internal static class DashboardInBrowser
{
    /// <summary>
    /// Opens a new link of <paramref name="tenant"/>'s (a client of the management API, signed in as a tenant) in a new browser
    /// context, as its user does: the link's page, then its button; the dashboard, signed in.
    /// </summary>
    public static async Task<(IPage Page, PageWatch Watch)> OpenAsync(
        IBrowser browser,
        HttpClient tenant,
        ViewportSize? viewport = null,
        ColorScheme colorScheme = ColorScheme.Light,
        bool? readOnly = null)
    {
        var link = (await DashboardBrowser.CreateLinkAsync(tenant, readOnly))["url"]!.GetValue<string>();
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = viewport ?? new() { Width = 1280, Height = 900 },
            ColorScheme = colorScheme,
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        var watch = new PageWatch(page, new Uri(link).GetLeftPart(UriPartial.Authority));
        var response = await page.GotoAsync(link);
        Assert.True(response?.Ok, $"Opening the link answered {response?.Status}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the dashboard" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/webhooks/dashboard/", StringComparison.Ordinal));
        return (page, watch);
    }

    /// <summary>Whether the page fits its window's width: it does not scroll sideways.</summary>
    public static Task<bool> FitsAsync(IPage page) => page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= innerWidth");

    /// <summary>Asserts axe-core finds no serious or critical violation; with <paramref name="everyImpact"/>, none at all.</summary>
    public static async Task ExpectAccessibleAsync(IPage page, string screen, bool everyImpact = false)
    {
        var result = await page.RunAxe();
        var found = result.Violations.Where(v => everyImpact || v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}");
        Assert.True(!found.Any(), $"{screen}: {string.Join("; ", found)}");
    }
}

/// <summary>What a page logs as errors (CSP violations included) and every URL it loads.</summary>
internal sealed class PageWatch
{
    private readonly string _origin;
    private readonly ConcurrentQueue<string> _urls = new();

    public PageWatch(IPage page, string origin)
    {
        _origin = origin;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Enqueue(string.IsNullOrEmpty(message.Location) ? message.Text : $"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Errors.Enqueue(error);
        page.Request += (_, request) => _urls.Enqueue(request.Url);
    }

    /// <summary>Playwright raises events on its own thread, so the watch collects into concurrent queues.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public void AssertOnlyFromTheApp() =>
        Assert.All(_urls.ToArray(), url => Assert.True(url.StartsWith(_origin + "/", StringComparison.Ordinal), url));
}
