using System.Net;
using Hookline.Tests.Dashboard;
using Hookline.Tests.Management;
using Microsoft.Playwright;

namespace Hookline.Tests.Docs;

/// <summary>
/// The README's and docs' screenshots, taken from the running sample with a few endpoints and messages: the dashboard's screens,
/// Swagger UI and ReDoc. <c>eng/screenshots.sh</c> writes them to docs/screenshots (<c>HOOKLINE_SCREENSHOTS</c>); otherwise
/// they go to a temporary folder, so that every test run checks that each screen still renders what its picture shows.
/// </summary>
public sealed class DocsScreenshots : SampleInChromium
{
    private readonly string _folder = Environment.GetEnvironmentVariable("HOOKLINE_SCREENSHOTS")
        ?? Directory.CreateTempSubdirectory("hookline-screenshots-").FullName;

    [RequiresFact(Requirement.Chromium)]
    public async Task Screenshots_OfTheSample_ShowEachScreenWithData()
    {
        await using var billing = await TestReceiver.StartAsync();
        await using var staging = await TestReceiver.StartAsync(TestReceiver.Status(503, "Service Unavailable: deploying"));
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var endpoint = await RegisterAsync(alice, billing.Url, "Billing service", ["new-subscription", "subscription-changed"]);
        await RegisterAsync(alice, staging.Url, "Staging: new subscriptions", ["new-subscription"]);
        foreach (var username in new[] { "rick", "morty", "summer", "beth" })
        {
            await ManagementApi.SubscribeAsync(alice, username);
        }

        using (var changed = await alice.PutAsJsonAsync("/subscriptions/rick", new { monthlyFee = 12.5m }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // Nine first attempts: four subscriptions to both endpoints, and the change to the billing service.
        await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts?limit=100", a => a.Count >= 9, "the sample's attempts");

        var (page, _) = await DashboardInBrowser.OpenAsync(Browser, alice);
        await ShootAsync(page, "#/", "Billing service", "dashboard-endpoints.png");
        await ShootAsync(page, $"#/endpoints/{endpoint}", billing.Url, "dashboard-endpoint.png");
        await ShootAsync(page, "#/messages", "summer", "dashboard-messages.png");
        await ShootAsync(page, "#/event-types", "subscription-changed", "dashboard-catalog.png");
        var (narrow, _) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = 375, Height = 812 });
        await ShootAsync(narrow, $"#/endpoints/{endpoint}", billing.Url, "dashboard-endpoint-375.png");

        var docs = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await docs.GotoAsync(Sample.Url + "/docs");
        var webhook = docs.Locator(".webhooks .opblock-post", new() { HasText = "new-subscription" });
        await webhook.Locator(".opblock-summary").ClickAsync();
        await Assertions.Expect(webhook).ToContainTextAsync("webhook-signature");
        await docs.Locator(".webhooks").ScreenshotAsync(new() { Path = Path.Combine(_folder, "swagger-ui-webhooks.png") });
        await docs.GotoAsync(Sample.Url + "/redoc");
        await docs.GetByText("new-subscription", new() { Exact = true }).First.ClickAsync();
        await Assertions.Expect(docs.GetByText("monthlyFee").First).ToBeVisibleAsync();
        await docs.ScreenshotAsync(new() { Path = Path.Combine(_folder, "redoc-webhook.png") });

        Assert.All(
            new[] { "endpoints", "endpoint", "messages", "catalog", "endpoint-375" }.Select(s => $"dashboard-{s}.png")
                .Concat(["swagger-ui-webhooks.png", "redoc-webhook.png"]),
            name => Assert.True(new FileInfo(Path.Combine(_folder, name)).Length > 10_000, $"{name} is missing or blank."));
    }


    private static async Task<string> RegisterAsync(HttpClient client, string url, string description, string[] eventTypes)
    {
        using var response = await client.PostAsJsonAsync("/webhooks/endpoints", new { url, eventTypes, description });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ManagementApi.ReadAsync(response))["id"]!.GetValue<string>();
    }

    /// <summary>Goes to a screen, waits until it shows <paramref name="text"/>, and takes the whole page.</summary>
    private async Task ShootAsync(IPage page, string fragment, string text, string name)
    {
        await page.EvaluateAsync("fragment => { location.hash = fragment; }", fragment);
        await Assertions.Expect(page.GetByText(text).First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(await DashboardInBrowser.FitsAsync(page), $"{name}: the screen scrolls sideways.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_folder, name), FullPage = true });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();

        if (Environment.GetEnvironmentVariable("HOOKLINE_SCREENSHOTS") is null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
