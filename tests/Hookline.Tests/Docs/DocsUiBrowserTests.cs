using System.Collections.Concurrent;
using System.Net;
using Microsoft.Playwright;

namespace Hookline.Tests.Docs;

/// <summary>The sample on a real Kestrel server on loopback, looked at with Debian's Chromium.</summary>
public sealed class DocsUiBrowserTests : IAsyncLifetime
{
    private readonly SampleFactory _sample = new();
    private TestBrowser? _chromium;
    private string _baseAddress = "";

    public async Task InitializeAsync()
    {
        _sample.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _sample.StartServer();
        _baseAddress = _sample.Url;
        _chromium = await TestBrowser.StartAsync();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task SwaggerUi_ShowsTheWebhooksSectionWithNewSubscription()
    {
        var page = await OpenAsync("/docs");

        var webhooks = page.Locator(".webhooks");
        await Assertions.Expect(webhooks.GetByRole(AriaRole.Heading, new() { Name = "Webhooks" })).ToBeVisibleAsync();
        var webhook = webhooks.Locator(".opblock-post", new() { HasText = "new-subscription" });
        await Assertions.Expect(webhook).ToBeVisibleAsync();

        await webhook.Locator(".opblock-summary").ClickAsync();
        await Assertions.Expect(webhook).ToContainTextAsync("When a new user subscribes to your service");
        await Assertions.Expect(webhook).ToContainTextAsync("webhook-signature");
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Redoc_RendersTheNewSubscriptionWebhook()
    {
        var page = await OpenAsync("/redoc");

        // The webhooks' group is titled as the others are, and Redocly's logo is drawn locally (OpenAsync: no request refused).
        await Assertions.Expect(page.GetByText("Webhooks", new() { Exact = true }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("webhooks", new() { Exact = true })).ToHaveCountAsync(0);
        var logo = page.GetByAltText("redocly logo");
        await Assertions.Expect(logo).ToBeVisibleAsync();
        Assert.True(await logo.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The logo did not load.");
        var webhook = page.GetByText("new-subscription", new() { Exact = true }).First;
        await Assertions.Expect(webhook).ToBeVisibleAsync();

        await webhook.ClickAsync();
        await Assertions.Expect(page.GetByText("When a new user subscribes to your service").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("monthlyFee").First).ToBeVisibleAsync();
    }

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _chromium!.Browser.NewPageAsync();
        // Playwright raises these on its own thread, and a page may still be loading after network idle.
        var sent = new ConcurrentQueue<string>();
        var failed = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        page.RequestFinished += (_, request) => sent.Enqueue(request.Url);
        page.RequestFailed += (_, request) => failed.Enqueue($"{request.Url} ({request.Failure})");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue(message.Text);
            }
        };
        var response = await page.GotoAsync(_baseAddress + path);
        Assert.True(response?.Ok, $"GET {path} answered {response?.Status}");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // Offline-ready: everything the page loads comes from the app itself.
        Assert.All(sent.ToArray(), url => Assert.True(url.StartsWith(_baseAddress, StringComparison.Ordinal) || url.StartsWith("blob:" + _baseAddress, StringComparison.Ordinal), url));
        Assert.Empty(failed);
        Assert.Empty(errors);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await _sample.DisposeAsync();
    }
}
