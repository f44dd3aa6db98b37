using System.Net;
using Hookline.Tests.Management;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// The dashboard's copy of the management API, as a link's session calls it: the session's tenant only, read-only sessions
/// refused every change, and changes sent with cookies refused unless they carry the CSRF header and come from the same site.
/// </summary>
public sealed class DashboardApiTests
{
    private const string Api = DashboardBrowser.Root + "/api";

    [Fact]
    public async Task Session_SeesItsTenantsEndpointsOnly_AnotherTenantsIdIsNotFound()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var alices = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(bob);

        Assert.Empty((await ManagementApi.GetAsync(browser.Client, $"{Api}/endpoints"))["data"]!.AsArray());
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, $"{Api}/endpoints/{alices}"),
                     (HttpMethod.Get, $"{Api}/endpoints/{alices}/secret"),
                     (HttpMethod.Post, $"{Api}/endpoints/{alices}/disable"),
                     (HttpMethod.Delete, $"{Api}/endpoints/{alices}"),
                     (HttpMethod.Get, $"{Api}/stats?endpointId={alices}"),
                 })
        {
            using var response = await browser.SendAsync(method, path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.True((await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{alices}"))["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ReadOnlySession_Reads_AndEveryChangeIsForbidden()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(alice, readOnly: true);

        Assert.True((await ManagementApi.GetAsync(browser.Client, $"{Api}/session"))["readOnly"]!.GetValue<bool>());
        Assert.Single((await ManagementApi.GetAsync(browser.Client, $"{Api}/endpoints"))["data"]!.AsArray());
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Post, $"{Api}/endpoints", new { url = "http://127.0.0.1:9/new" }),
                     (HttpMethod.Put, $"{Api}/endpoints/{endpoint}", new { url = "http://127.0.0.1:9/changed" }),
                     (HttpMethod.Delete, $"{Api}/endpoints/{endpoint}", null),
                     (HttpMethod.Post, $"{Api}/endpoints/{endpoint}/disable", null),
                     (HttpMethod.Post, $"{Api}/endpoints/{endpoint}/secret/rotate", null),
                 })
        {
            using var response = await browser.SendAsync(method, path, body);
            var problem = await ManagementApi.ReadAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("Read-only.", problem["title"]!.GetValue<string>());
        }

        var unchanged = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{endpoint}");
        Assert.Equal("http://127.0.0.1:9/alice", unchanged["url"]!.GetValue<string>());
        Assert.True(unchanged["enabled"]!.GetValue<bool>());
        Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray());
    }

    [Fact]
    public async Task ReadOnlySession_ReadingASigningSecret_IsForbidden()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(alice, readOnly: true);

        using var response = await browser.Client.GetAsync($"{Api}/endpoints/{endpoint}/secret");

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("whsec_", body, StringComparison.Ordinal);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.Equal("Read-only.", problem["title"]!.GetValue<string>());
        Assert.Equal("This dashboard session can read, but not see signing secrets.", problem["detail"]!.GetValue<string>());
        using var writable = DashboardBrowser.For(sample);
        await writable.SignInAsync(alice);
        var secret = await ManagementApi.GetAsync(writable.Client, $"{Api}/endpoints/{endpoint}/secret");
        Assert.StartsWith("whsec_", secret["secret"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrossSiteChange_WithoutCookies_IsForbidden_OnBothApis_ApiClientsWithoutTheHeaderAreNot()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();

        // Sign-ins a browser sends on its own without a cookie (Windows, certificates, Basic) stand in as the API key here.
        foreach (var path in new[] { $"/webhooks/endpoints/{endpoint}/disable", $"{Api}/endpoints/{endpoint}/disable" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var refused = await alice.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode}");
            Assert.Equal(
                "A change sent from another site is refused.", (await ManagementApi.ReadAsync(refused))["detail"]!.GetValue<string>());
        }

        Assert.True((await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{endpoint}"))["enabled"]!.GetValue<bool>());
        using var sameSite = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/disable");
        sameSite.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await alice.SendAsync(sameSite)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsync($"/webhooks/endpoints/{endpoint}/enable", null)).StatusCode);
    }

    [Fact]
    public async Task CookieChange_WithoutTheCsrfHeader_OrFromAnotherSite_IsForbidden_WithIt_Succeeds()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(alice);
        var endpoint = new { url = "http://127.0.0.1:9/alice" };

        using (var forged = await browser.SendAsync(HttpMethod.Post, $"{Api}/endpoints", endpoint, csrfHeader: false))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            var detail = (await ManagementApi.ReadAsync(forged))["detail"]!.GetValue<string>();
            Assert.Contains("X-Hookline-Csrf: 1", detail, StringComparison.Ordinal);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}/endpoints") { Content = JsonContent.Create(endpoint) })
        {
            request.Headers.Add("X-Hookline-Csrf", "1");
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var crossSite = await browser.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray());
        using var sent = await browser.SendAsync(HttpMethod.Post, $"{Api}/endpoints", endpoint);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray());
    }

    [Fact]
    public async Task ManagementApi_ChangeWithCookies_NeedsTheCsrfHeader_ApiKeyCallersWithoutCookiesDoNot()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();

        using (var withCookie = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/disable"))
        {
            withCookie.Headers.Add("Cookie", "session=abc");
            using var refused = await alice.SendAsync(withCookie);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.True((await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{endpoint}"))["enabled"]!.GetValue<bool>());
        using (var withHeader = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/disable"))
        {
            withHeader.Headers.Add("Cookie", "session=abc");
            withHeader.Headers.Add("X-Hookline-Csrf", "1");
            using var accepted = await alice.SendAsync(withHeader);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        using var enabled = await alice.PostAsync($"/webhooks/endpoints/{endpoint}/enable", null);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
    }

    [Fact]
    public async Task Page_AndFiles_CarryTheCspAndCacheHeaders()
    {
        await using var sample = SampleFactory.Development();
        using var browser = DashboardBrowser.For(sample);

        using var index = await browser.Client.GetAsync(DashboardBrowser.Root + "/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
        var csp = index.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            csp);
        Assert.Equal("DENY", index.Headers.GetValues("X-Frame-Options").Single());
        var html = await index.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]+/app\\.js)\"").Groups[1].Value;
        Assert.Matches("^/webhooks/dashboard/assets/[0-9a-f]{16}/app\\.js$", script);

        foreach (var file in new[] { script, script.Replace("app.js", "vendor/preact.mjs", StringComparison.Ordinal) })
        {
            using var asset = await browser.Client.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", asset.Headers.GetValues("Cache-Control").Single());
            Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
            Assert.Equal(csp, asset.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var stale = await browser.Client.GetAsync(script.Replace("/assets/", "/assets/0", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        using var api = await browser.Client.GetAsync(DashboardBrowser.Root + "/api/endpoints");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("no-store", api.Headers.CacheControl?.ToString());
    }
}
