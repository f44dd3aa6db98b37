using System.Net;
using Hookline.Dashboard;
using Hookline.Tests.Management;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// One-time links to a dashboard, over real HTTP: made with an API key, under the configured URL; fetching one opens nothing,
/// its page names the tenant, and only its button, posted from the dashboard's own origin, opens it, once, within its lifetime,
/// into a cookie that is Secure outside Development; its token reaches no log.
/// </summary>
public sealed class DashboardLinkTests
{
    private const string Session = DashboardBrowser.Root + "/api/session";
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DashboardLinks_Post_AnswersALinkThatAScannerCannotUse_ItsButtonOpensASessionOnce()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);

        var link = await DashboardBrowser.CreateLinkAsync(alice);

        var url = link["url"]!.GetValue<string>();
        Assert.StartsWith(browser.BaseAddress + DashboardBrowser.Root + "/links#", url, StringComparison.Ordinal);
        Assert.Equal(s_start.AddMinutes(10), link["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.False(link["readOnly"]!.GetValue<bool>());

        // A scanner fetches the link (a browser never sends the fragment), and runs the page's script, which posts the token.
        for (var scan = 0; scan < 2; scan++)
        {
            using var landing = await browser.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
            Assert.Equal("no-store", landing.Headers.CacheControl?.ToString());
            Assert.Equal("no-referrer", landing.Headers.GetValues("Referrer-Policy").Single());
            Assert.Matches("src=\"/webhooks/dashboard/assets/[0-9a-f]{16}/link\\.js\"", await landing.Content.ReadAsStringAsync());
            using var page = await browser.PostLinkAsync(url);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<h1>Open the webhook dashboard of alice</h1>", html, StringComparison.Ordinal);
            Assert.Contains(
                "<button type=\"submit\" name=\"open\" value=\"1\">Open the dashboard</button>", html, StringComparison.Ordinal);
            Assert.False(landing.Headers.Contains("Set-Cookie") || page.Headers.Contains("Set-Cookie"));
        }

        using (var opened = await browser.PostLinkAsync(url, open: "1"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
            Assert.Equal(DashboardBrowser.Root + "/", opened.Headers.Location?.ToString());
            var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith("hookline-dashboard=", cookie, StringComparison.Ordinal);
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.Equal(["path=/", "samesite=strict", "httponly"], attributes); // Not secure: Development, over http.
        }

        var session = await ManagementApi.GetAsync(browser.Client, Session);
        Assert.Equal("alice", session["tenant"]!.GetValue<string>());
        Assert.False(session["readOnly"]!.GetValue<bool>());
        Assert.True(session["linkSession"]!.GetValue<bool>());

        using var again = await DashboardBrowser.For(sample).PostLinkAsync(url, open: "1");
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        var refused = await again.Content.ReadAsStringAsync();
        Assert.Contains("This link was already used", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", refused, StringComparison.Ordinal);
        Assert.False(again.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task OpenLink_AfterItsLifetime_ShowsExpiredPage_AndStartsNoSession()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var opened = await browser.PostLinkAsync(url, open: "1");

        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.Contains("This link has expired", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("text/html", opened.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var session = await browser.Client.GetAsync(Session);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
    }

    [Fact]
    public async Task OpenLink_Tampered_ShowsInvalidPage_AndStartsNoSession()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();
        var token = DashboardBrowser.Token(url);
        var changed = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];

        foreach (var bad in new[] { changed, token[..^4], "not-a-link", "" })
        {
            foreach (var open in new[] { null, "1" })
            {
                using var opened = await browser.PostLinkAsync($"{DashboardBrowser.Root}/links#{bad}", open);
                Assert.Equal(HttpStatusCode.BadRequest, opened.StatusCode);
                Assert.Contains("This link is not valid", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        using var session = await browser.Client.GetAsync(Session);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
    }

    [Fact]
    public async Task OpenLink_PostedFromAnotherSiteOrOrigin_IsRefused_AndTheLinkStaysUnused()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();

        // A login form: another page must not sign this browser in to the dashboard of a tenant it chose (login CSRF).
        foreach (var (site, origin) in new (string?, string?)[]
                 {
                     ("cross-site", null), ("same-site", null), (null, "http://localhost:1"), (null, "null"),
                 })
        {
            using var forged = await browser.PostLinkAsync(url, open: "1", fetchSite: site, origin: origin);
            Assert.True(forged.StatusCode == HttpStatusCode.Forbidden, $"{site} {origin}: {(int)forged.StatusCode}");
            Assert.Contains("<h1>Open the link itself</h1>", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(forged.Headers.Contains("Set-Cookie"));
        }

        Assert.Contains(
            sample.Logs.Messages, m => m.Contains("posted from another site (Sec-Fetch-Site: cross-site)", StringComparison.Ordinal));
        // An older browser says only its origin: the dashboard's own is fine.
        using var opened = await browser.PostLinkAsync(url, open: "1", fetchSite: null, origin: browser.BaseAddress);
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
    }

    [Fact]
    public async Task OpenLink_InABrowserWithAnotherTenantsSession_AsksFirst_AndOnlyTheSwitchButtonReplacesIt()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(bob);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();

        using (var page = await browser.PostLinkAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("This browser is signed in to the webhook dashboard of <strong>bob</strong>.", html, StringComparison.Ordinal);
            Assert.Contains(
                "<button type=\"submit\" name=\"open\" value=\"switch\">Switch to alice</button>", html, StringComparison.Ordinal);
            Assert.DoesNotContain(">Open the dashboard</button>", html, StringComparison.Ordinal);
        }

        // The plain button's post (a stale page, or a forged form) is asked again, and changes nothing.
        using (var unconfirmed = await browser.PostLinkAsync(url, open: "1"))
        {
            Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
            Assert.Contains("Switch to alice", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(unconfirmed.Headers.Contains("Set-Cookie"));
        }

        Assert.Equal("bob", (await ManagementApi.GetAsync(browser.Client, Session))["tenant"]!.GetValue<string>());
        using var switched = await browser.PostLinkAsync(url, open: "switch");
        Assert.Equal(HttpStatusCode.SeeOther, switched.StatusCode);
        Assert.Equal("alice", (await ManagementApi.GetAsync(browser.Client, Session))["tenant"]!.GetValue<string>());
    }

    [Fact]
    public async Task Session_EndsAfterItsIdleTimeout_AndAfterItsLifetimeHoweverActive()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var idle = DashboardBrowser.For(sample);
        using var busy = DashboardBrowser.For(sample);
        await idle.SignInAsync(alice);

        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await idle.Client.GetAsync(Session)).StatusCode);
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await idle.Client.GetAsync(Session)).StatusCode);

        // Used every 20 minutes: alive until 8 hours after the link was opened, then over.
        await busy.SignInAsync(alice);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(8) - TimeSpan.FromMinutes(20); elapsed += TimeSpan.FromMinutes(20))
        {
            using var alive = await busy.Client.GetAsync(Session);
            Assert.True(alive.StatusCode == HttpStatusCode.OK, $"after {elapsed}: {(int)alive.StatusCode}");
            time.Advance(TimeSpan.FromMinutes(20));
        }

        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, (await busy.Client.GetAsync(Session)).StatusCode);
    }

    [Fact]
    public async Task CreateLink_WithAPublicBaseUrl_IsMadeUnderIt_WhateverTheHostHeaderSays()
    {
        await using var app = await DashboardApp.StartAsync(
            "Production", new Dictionary<string, string?> { ["Webhooks:Dashboard:PublicBaseUrl"] = "https://hooks.example.com/api/" });
        using var alice = app.Client("alice");
        alice.DefaultRequestHeaders.Host = "attacker.example";

        var link = await DashboardBrowser.CreateLinkAsync(alice);

        const string Links = "https://hooks.example.com/api/webhooks/dashboard/links#";
        Assert.StartsWith(Links, link["url"]!.GetValue<string>(), StringComparison.Ordinal);
        var made = await app.Services.GetRequiredService<IWebhookDashboardLinks>().CreateAsync("alice");
        Assert.StartsWith(Links, made.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateLink_OutsideDevelopmentWithoutAPublicBaseUrl_IsAPathNotFromTheHostHeader_AndLogsTheOptionToSet()
    {
        await using var app = await DashboardApp.StartAsync("Production");
        using var alice = app.Client("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/dashboard-links");
        request.Headers.Host = "attacker.example";

        using var response = await alice.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await ManagementApi.ReadAsync(response))["url"]!.GetValue<string>();
        Assert.StartsWith("/webhooks/dashboard/links#", url, StringComparison.Ordinal);
        Assert.Equal(url, response.Headers.Location?.OriginalString);
        Assert.Contains(app.Logs.Messages, m => m.Contains("set Webhooks:Dashboard:PublicBaseUrl", StringComparison.Ordinal));
        // From C#, the app knows its own address: the link is a path from the app's root.
        var made = await app.Services.GetRequiredService<IWebhookDashboardLinks>().CreateAsync("alice");
        Assert.StartsWith("/webhooks/dashboard/links#", made.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenLink_OutsideDevelopment_SetsASecureHostCookie_EvenOverHttp()
    {
        await using var app = await DashboardApp.StartAsync(
            "Production", new Dictionary<string, string?> { ["Webhooks:Dashboard:PublicBaseUrl"] = "https://hooks.example.com" });
        using var alice = app.Client("alice");
        using var browser = DashboardBrowser.At(app.Url);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();

        // Behind a proxy that ends TLS, the app sees http: the cookie is Secure all the same.
        using var opened = await browser.PostLinkAsync(url, open: "1");

        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-hookline-dashboard=", cookie, StringComparison.Ordinal);
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Equal(["path=/", "secure", "samesite=strict", "httponly"], attributes);
        using var request = new HttpRequestMessage(HttpMethod.Get, Session);
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var session = await browser.Client.SendAsync(request);
        Assert.Equal("alice", (await ManagementApi.ReadAsync(session))["tenant"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenLink_ItsTokenReachesNoLog_NotEvenAspNetCoresRequestLog()
    {
        await using var app = await DashboardApp.StartAsync();
        using var alice = app.Client("alice");
        using var browser = DashboardBrowser.At(app.Url);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();

        using (await browser.Client.GetAsync(url))
        using (await browser.PostLinkAsync(url))
        using (var opened = await browser.PostLinkAsync(url, open: "1"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        }

        var token = DashboardBrowser.Token(url);
        Assert.Contains(app.Logs.Messages, m => m.Contains("Request starting HTTP/1.1 GET http://127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Messages, m => m.Contains("opened a session", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Messages, m => m.Contains(token[..40], StringComparison.Ordinal));
    }
}
