using System.Net;
using System.Security.Claims;
using Hookline.Tests.Management;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// The other way in: an app whose users sign in with its own cookie opens the dashboard with that sign-in, per tenant, and
/// its cookie-authenticated changes need the CSRF header, on the dashboard's API and on the management API alike.
/// </summary>
public sealed class DashboardAppSignInTests
{
    [Fact]
    public async Task AppCookie_OpensTheDashboardForItsTenant_AndChangesNeedTheCsrfHeader()
    {
        var file = SqliteTestFiles.NewPath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenApi();
        builder.Services.AddWebhooks(o =>
        {
            o.Delivery.AllowedNetworks.Add("127.0.0.0/8");
            o.Delivery.RequireHttps = false;
        }).UseSqlite($"Data Source={file}");
        builder.Services.AddWebhookDashboard();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Webhooks.MapPost<Order>("order.created");
        app.MapGet("/login/{user}", (HttpContext http, string user) => http.SignInAsync(
            new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, user)], CookieAuthenticationDefaults.AuthenticationScheme))));
        app.MapOpenApi();
        app.MapWebhookManagement("/webhooks").RequireAuthorization();
        app.MapWebhookDashboard("/webhooks/dashboard");
        await app.StartAsync();
        try
        {
            var cookies = new CookieContainer();
            using var carol = new HttpClient(new HttpClientHandler { CookieContainer = cookies })
            {
                BaseAddress = new Uri(app.Urls.Single()),
            };
            Assert.Equal(HttpStatusCode.Unauthorized, (await carol.GetAsync("/webhooks/dashboard/api/session")).StatusCode);
            (await carol.GetAsync("/login/carol")).EnsureSuccessStatusCode();

            var session = await ManagementApi.GetAsync(carol, "/webhooks/dashboard/api/session");
            Assert.Equal("carol", session["tenant"]!.GetValue<string>());
            Assert.False(session["readOnly"]!.GetValue<bool>());

            foreach (var path in new[] { "/webhooks/dashboard/api/endpoints", "/webhooks/endpoints" })
            {
                using var forged = await carol.PostAsJsonAsync(path, new { url = "http://127.0.0.1:9/carol" });
                Assert.True(forged.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)forged.StatusCode}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/dashboard/api/endpoints")
            {
                Content = JsonContent.Create(new { url = "http://127.0.0.1:9/carol" }),
            };
            request.Headers.Add("X-Hookline-Csrf", "1");
            using var created = await carol.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            // Same data path: what the dashboard made, the management API shows.
            Assert.Single((await ManagementApi.GetAsync(carol, "/webhooks/endpoints"))["data"]!.AsArray());
        }
        finally
        {
            await app.StopAsync();
            SqliteTestFiles.Delete(file);
        }
    }

    /// <summary>An order.</summary>
    /// <param name="Id">Its id.</param>
    public sealed record Order(string Id);
}
