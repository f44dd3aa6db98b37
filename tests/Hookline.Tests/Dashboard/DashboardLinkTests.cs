using System.Net;
using Hookline.Tests.Management;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Dashboard;

/// <summary>One-time links to the sample's dashboard, over real HTTP: made with an API key, opened once, within their lifetime.</summary>
public sealed class DashboardLinkTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DashboardLinks_Post_AnswersALinkThatOpensASessionOnce()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);

        var link = await DashboardBrowser.CreateLinkAsync(alice);

        var url = link["url"]!.GetValue<string>();
        Assert.StartsWith(browser.BaseAddress + DashboardBrowser.Root + "/links/", url, StringComparison.Ordinal);
        Assert.Equal(s_start.AddMinutes(10), link["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.False(link["readOnly"]!.GetValue<bool>());

        using (var opened = await browser.Client.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
            Assert.Equal(DashboardBrowser.Root + "/", opened.Headers.Location?.ToString());
            var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith("hookline-dashboard=", cookie, StringComparison.Ordinal);
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.Equal(["path=/webhooks/dashboard", "samesite=strict", "httponly"], attributes); // Not secure: this is http.
            Assert.Equal("no-referrer", opened.Headers.GetValues("Referrer-Policy").Single());
        }

        var session = await ManagementApi.GetAsync(browser.Client, DashboardBrowser.Root + "/api/session");
        Assert.Equal("alice", session["tenant"]!.GetValue<string>());
        Assert.False(session["readOnly"]!.GetValue<bool>());
        // The cookie is the dashboard's only: the app's other routes never receive it.
        Assert.Empty(browser.Cookies.GetCookies(new Uri(browser.BaseAddress + "/webhooks/endpoints")));

        using var again = await DashboardBrowser.For(sample).Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        var page = await again.Content.ReadAsStringAsync();
        Assert.Contains("This link was already used", page, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", page, StringComparison.Ordinal);
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
        using var opened = await browser.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.Contains("This link has expired", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("text/html", opened.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var session = await browser.Client.GetAsync(DashboardBrowser.Root + "/api/session");
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
    }

    [Fact]
    public async Task OpenLink_Tampered_ShowsInvalidPage_AndStartsNoSession()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();
        var token = url[(url.LastIndexOf('/') + 1)..];
        var changed = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];

        foreach (var bad in new[] { changed, token[..^4], "not-a-link" })
        {
            using var opened = await browser.Client.GetAsync($"{DashboardBrowser.Root}/links/{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, opened.StatusCode);
            Assert.Contains("This link is not valid", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var session = await browser.Client.GetAsync(DashboardBrowser.Root + "/api/session");
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
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
        Assert.Equal(HttpStatusCode.OK, (await idle.Client.GetAsync(DashboardBrowser.Root + "/api/session")).StatusCode);
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await idle.Client.GetAsync(DashboardBrowser.Root + "/api/session")).StatusCode);

        // Used every 20 minutes: alive until 8 hours after the link was opened, then over.
        await busy.SignInAsync(alice);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(8) - TimeSpan.FromMinutes(20); elapsed += TimeSpan.FromMinutes(20))
        {
            using var alive = await busy.Client.GetAsync(DashboardBrowser.Root + "/api/session");
            Assert.True(alive.StatusCode == HttpStatusCode.OK, $"after {elapsed}: {(int)alive.StatusCode}");
            time.Advance(TimeSpan.FromMinutes(20));
        }

        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, (await busy.Client.GetAsync(DashboardBrowser.Root + "/api/session")).StatusCode);
    }
}
