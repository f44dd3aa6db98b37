using System.Net;
using Hookline.Dashboard;
using Hookline.Tests.Management;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// How a link's session ends before its time: signed out in its browser, or revoked for the whole tenant (from the API or
/// from C#); and how used links and revocations hold on every instance that shares the webhook store.
/// </summary>
public sealed class DashboardSessionTests
{
    private const string Session = DashboardBrowser.Root + "/api/session";
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SignOut_EndsTheSession_OnlyWithTheCsrfHeader_AndNotFromAnotherSite()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(alice);

        using (var forged = await browser.SendAsync(HttpMethod.Post, DashboardBrowser.Root + "/sign-out", csrfHeader: false))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        }

        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, DashboardBrowser.Root + "/sign-out"))
        {
            crossSite.Headers.Add("X-Hookline-Csrf", "1");
            crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.Client.SendAsync(crossSite)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync(Session)).StatusCode);
        using var signedOut = await browser.SendAsync(HttpMethod.Post, DashboardBrowser.Root + "/sign-out");
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.StartsWith("hookline-dashboard=;", Assert.Single(signedOut.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync(Session)).StatusCode);
    }

    [Fact]
    public async Task RevokeSessions_FromTheApi_EndsTheTenantsSessionsAndUnusedLinks_NotAnotherTenants()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        using var alicesBrowser = DashboardBrowser.For(sample);
        using var alicesOtherBrowser = DashboardBrowser.For(sample);
        using var bobsBrowser = DashboardBrowser.For(sample);
        await alicesBrowser.SignInAsync(alice, readOnly: true);
        await alicesOtherBrowser.SignInAsync(alice);
        await bobsBrowser.SignInAsync(bob);
        var unused = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();
        time.Advance(TimeSpan.FromSeconds(1));

        using var revoked = await alice.DeleteAsync("/webhooks/dashboard-sessions");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        foreach (var browser in new[] { alicesBrowser, alicesOtherBrowser })
        {
            using var ended = await browser.Client.GetAsync(Session);
            Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
            Assert.StartsWith("hookline-dashboard=;", Assert.Single(ended.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        }

        using (var withdrawn = await DashboardBrowser.For(sample).PostLinkAsync(unused, open: "1"))
        {
            Assert.Equal(HttpStatusCode.Gone, withdrawn.StatusCode);
            Assert.Contains("This link was withdrawn", await withdrawn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("bob", (await ManagementApi.GetAsync(bobsBrowser.Client, Session))["tenant"]!.GetValue<string>());
        time.Advance(TimeSpan.FromSeconds(1));
        await alicesBrowser.SignInAsync(alice); // A link made after the revocation opens as usual.
        Assert.Equal("alice", (await ManagementApi.GetAsync(alicesBrowser.Client, Session))["tenant"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokeAsync_FromCSharp_EndsTheTenantsSessions()
    {
        var time = new FakeTimeProvider(s_start);
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var browser = DashboardBrowser.For(sample);
        await browser.SignInAsync(alice);
        time.Advance(TimeSpan.FromSeconds(1));

        await sample.Services.GetRequiredService<IWebhookDashboardLinks>().RevokeAsync("alice");

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync(Session)).StatusCode);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Links_AndRevocations_HoldOnEveryInstanceSharingTheStore(string store)
    {
        var file = SqliteTestFiles.NewPath();
        var schema = TestPostgres.NewSchema();
        var keys = Directory.CreateTempSubdirectory("hookline-keys-");
        if (store == "postgresql")
        {
            TestPostgres.SkipUnlessAvailable();
        }

        Action<IWebhooksBuilder> shared = store == "sqlite"
            ? b => b.UseSqlite($"Data Source={file}")
            : b => b.UsePostgreSql(TestPostgres.ConnectionString, schema);
        // Instances share the Data Protection key ring, as they must (PostgreSQL keeps it in the store without this).
        Action<IServiceCollection>? ring = store == "sqlite" ? s => s.AddDataProtection().PersistKeysToFileSystem(keys) : null;
        try
        {
            await using var one = await DashboardApp.StartAsync(store: shared, services: ring);
            // The second does not deliver: one process delivers from a SQLite file.
            await using var two = await DashboardApp.StartAsync(store: shared, services: s =>
            {
                ring?.Invoke(s);
                s.Configure<WebhookOptions>(o => o.Delivery.Enabled = false);
            });
            using var alice = one.Client("alice");
            var url = (await DashboardBrowser.CreateLinkAsync(alice))["url"]!.GetValue<string>();
            using var first = DashboardBrowser.At(one.Url);
            using var second = DashboardBrowser.At(two.Url);

            using (var opened = await first.PostLinkAsync(url, open: "1"))
            {
                Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
            }

            using (var again = await second.PostLinkAsync(url, open: "1"))
            {
                Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
                Assert.Contains("This link was already used", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The session opened on one instance is read on the other, until a revocation on the other ends it on both.
            var cookie = first.Cookies.GetCookies(new Uri(one.Url)).Single();
            second.Cookies.Add(new Uri(two.Url), new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
            Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync(Session)).StatusCode);
            using var aliceOnTwo = two.Client("alice");
            using (var revoked = await aliceOnTwo.DeleteAsync("/webhooks/dashboard-sessions"))
            {
                Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Client.GetAsync(Session)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client.GetAsync(Session)).StatusCode);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
            await TestPostgres.DropSchemaAsync(schema);
            keys.Delete(recursive: true);
        }
    }
}
