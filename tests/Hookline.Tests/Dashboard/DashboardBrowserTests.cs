using Microsoft.Playwright;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// The sample's dashboard in Debian's Chromium, as a tenant uses it: opened with a one-time link (its page, then its button),
/// an endpoint added through the form, a test event sent to a receiver on loopback and its attempt seen; the page fetches
/// nothing from another host, logs no error (CSP violations included) and has no serious accessibility violation.
/// </summary>
public sealed class DashboardBrowserTests : SampleInChromium
{
    [RequiresFact(Requirement.Chromium)]
    public async Task Tenant_OpensALink_AddsAnEndpoint_SeesAFailedTestEventAndAPublishedOne_AndResendsTheFailure()
    {
        var down = false;
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.StatusCode = Volatile.Read(ref down) ? 500 : 204;
            return Task.CompletedTask;
        });
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey);

        await Assertions.Expect(page.GetByText("No endpoints yet")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".empty")).ToContainTextAsync("Add the URL that should receive new-subscription");
        Assert.EndsWith("/webhooks/dashboard/", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Signed in as alice");
        await ExpectAccessibleAsync(page, "endpoints, empty");

        // A URL the API refuses: its reason shows next to the field, which takes the focus.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add endpoint" }).First.ClickAsync();
        await page.GetByLabel("URL").FillAsync("ftp://127.0.0.1/hook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.Locator("#url-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("URL")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("URL")).ToBeFocusedAsync();
        await ExpectAccessibleAsync(page, "add endpoint, refused");

        await page.GetByLabel("URL").FillAsync(receiver.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = receiver.Url })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.figures")).ToContainTextAsync("Deliveries at onceOne at a time, until one succeeds");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal secret" }).ClickAsync();
        await Assertions.Expect(page.Locator("#secret-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
        var secret = await page.Locator("#secret-value").TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied.")).ToBeVisibleAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        // The receiver is down: the test event fails (its attempt and retry both shown), then it is back up and a
        // subscription published through the API succeeds.
        Volatile.Write(ref down, true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
        var attempts = page.GetByRole(AriaRole.Region, new() { Name = "Attempts", Exact = true });
        await Assertions.Expect(attempts.GetByText("Failed").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(attempts).ToContainTextAsync("500");
        await Management.ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=failed", m => m.Count == 1, "the test event failed, its retry too");
        Volatile.Write(ref down, false);
        await Management.ManagementApi.SubscribeAsync(alice, "rick");
        await Management.ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/attempts?status=succeeded", a => a.Count == 1, "rick's subscription delivered");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Assertions.Expect(attempts.GetByText("Succeeded")).ToBeVisibleAsync();
        Assert.All(receiver.Requests, delivered => Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSecret.Parse(secret!)).Verify(
                delivered.Headers["webhook-id"],
                delivered.Headers["webhook-timestamp"],
                delivered.Headers["webhook-signature"],
                delivered.Body)));

        var charts = page.Locator("figure.chart svg[role=img]");
        await Assertions.Expect(charts).ToHaveCountAsync(2);
        await Assertions.Expect(charts.First).ToHaveAttributeAsync("aria-label", "Per hour, last 24 hours: 1 succeeded, 2 failed.");
        await Assertions.Expect(charts.Last).ToHaveAttributeAsync("aria-label", "Per day, last 7 days: 1 succeeded, 2 failed.");
        await Assertions.Expect(page.Locator("figure.chart").First.Locator("rect.failed[height]:not([height='0'])")).ToHaveCountAsync(1);
        await ExpectAccessibleAsync(page, "endpoint");

        await page.GetByRole(AriaRole.Link, new() { Name = "Endpoints", Exact = true }).ClickAsync();
        var card = page.Locator(".card", new() { HasText = receiver.Url });
        await Assertions.Expect(card).ToContainTextAsync("33.3 %");
        await Assertions.Expect(card).ToContainTextAsync("(500)");
        await ExpectAccessibleAsync(page, "endpoints");

        await page.GetByRole(AriaRole.Link, new() { Name = "Event types" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "new-subscription" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".schema").First).ToContainTextAsync("monthlyFee");
        await Assertions.Expect(page.GetByLabel("Example of new-subscription")).ToContainTextAsync("\"username\"");
        await ExpectAccessibleAsync(page, "event types");

        // The log, filtered to failed deliveries: the test event; resent, it succeeds.
        await page.GetByRole(AriaRole.Link, new() { Name = "Messages" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.message")).ToHaveCountAsync(2);
        await page.GetByLabel("Delivery").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.message")).ToHaveCountAsync(1);
        await ExpectAccessibleAsync(page, "messages");
        await page.Locator("tr.message td.id a").First.ClickAsync();
        await Assertions.Expect(page.GetByLabel("Payload")).ToContainTextAsync("\"monthlyFee\"");
        await Assertions.Expect(page.Locator(".card", new() { HasText = receiver.Url })).ToContainTextAsync("Failed");
        await ExpectAccessibleAsync(page, "message");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Sent again")).ToBeVisibleAsync();
        var messageAttempts = page.GetByRole(AriaRole.Region, new() { Name = $"Attempts to {receiver.Url}" }).Locator("tbody tr");
        await Assertions.Expect(messageAttempts).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Assertions.Expect(messageAttempts.First).ToContainTextAsync("Succeeded");
        await Assertions.Expect(page.Locator(".card", new() { HasText = receiver.Url })).ToContainTextAsync("Succeeded · 3 attempts");

        // The refused URL's 422 is the one failed load; nothing else went wrong or left the app.
        var refused = Assert.Single(watch.Errors);
        Assert.StartsWith("Failed to load resource: the server responded with a status of 422", refused, StringComparison.Ordinal);
        Assert.Contains("/webhooks/dashboard/api/endpoints", refused, StringComparison.Ordinal);
        watch.AssertOnlyFromTheApp();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Tenant_AddsAFilteredEndpoint_OfferedThePayloadsFields_TypoRefusedAtTheField_AndReceivesOnlyMatches()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add endpoint" }).First.ClickAsync();
        await page.GetByLabel("URL").FillAsync(receiver.Url);
        var filter = page.GetByLabel("new-subscription", new() { Exact = true });
        await Assertions.Expect(filter).ToHaveAccessibleDescriptionAsync(
            new System.Text.RegularExpressions.Regex("Fields: username \\(string\\), monthlyFee \\(number.*\\), startDate \\(string"));
        await filter.FillAsync("usrname == \"rick\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(filter).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(filter).ToBeFocusedAsync();
        await Assertions.Expect(filter).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("no field 'usrname'"));
        await ExpectAccessibleAsync(page, "add endpoint, filter refused");

        await filter.FillAsync("username == \"rick\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = receiver.Url })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Advanced" }))
            .ToContainTextAsync("Filtersnew-subscription: username == \"rick\"");

        await Management.ManagementApi.SubscribeAsync(alice, "morty");
        await Management.ManagementApi.SubscribeAsync(alice, "rick");
        await Management.ManagementApi.EventuallyListsAsync(alice, "/webhooks/messages", m => m.Count == 2, "both messages");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "rick's delivery");
        Assert.Contains("\"rick\"", System.Text.Encoding.UTF8.GetString(Assert.Single(receiver.Requests).Body), StringComparison.Ordinal);
        watch.AssertOnlyFromTheApp();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Tenant_AddsAnOrderedEndpoint_SeesABlockedDelivery_AndSkipsIt_SoTheNextGoes()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.FailingTheFirstMessage());
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add endpoint" }).First.ClickAsync();
        await page.GetByLabel("URL").FillAsync(receiver.Url);
        await page.GetByLabel("Order of deliveries").SelectOptionAsync("ordered");
        await ExpectAccessibleAsync(page, "add endpoint, ordered");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = receiver.Url })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.figures"))
            .ToContainTextAsync("OrderIn publish order; a failed delivery holds back the rest of its key");

        // The sample publishes without an ordering key: rick's delivery fails and blocks morty's.
        await Management.ManagementApi.SubscribeAsync(alice, "rick");
        await Management.ManagementApi.SubscribeAsync(alice, "morty");
        await Management.ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=blocked", m => m.Count == 1, "rick's delivery blocked, its retries used up");

        await page.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.message")).ToHaveCountAsync(2);
        await page.GetByLabel("Delivery").SelectOptionAsync("blocked");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.message")).ToHaveCountAsync(1);
        await page.Locator("tr.message td.id a").First.ClickAsync();
        await Assertions.Expect(page.GetByLabel("Payload")).ToContainTextAsync("\"rick\"");
        var delivery = page.Locator(".card", new() { HasText = receiver.Url });
        await Assertions.Expect(delivery).ToContainTextAsync("Blocked");
        await Assertions.Expect(delivery).ToContainTextAsync("the later messages of its key wait");
        await ExpectAccessibleAsync(page, "message, blocked");

        await delivery.GetByRole(AriaRole.Button, new() { Name = "Skip" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Skipped" })).ToBeVisibleAsync();
        await Assertions.Expect(delivery).ToContainTextAsync("Failed");
        await Assertions.Expect(delivery.GetByRole(AriaRole.Button, new() { Name = "Skip" })).ToHaveCountAsync(0);
        await Management.ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=succeeded", m => m.Count == 1, "morty's delivery, sent once rick's was skipped");
        Assert.Equal(3, receiver.Requests.Count);

        Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
        watch.AssertOnlyFromTheApp();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Dashboard_At375Pixels_InDarkMode_FitsTheScreen_AndShowsKeyboardFocus()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        await Management.ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/a-rather-long-path/that/should/wrap/on/a/phone/screen");
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey, new() { Width = 375, Height = 740 }, ColorScheme.Dark);

        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(1);
        Assert.True(await FitsAsync(page), "The endpoints list scrolls sideways at 375 px.");
        await ExpectAccessibleAsync(page, "endpoints, 375 px, dark");

        await page.Locator(".card a").First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reveal secret" })).ToBeVisibleAsync();
        Assert.True(await FitsAsync(page), "The endpoint page scrolls sideways at 375 px.");
        await ExpectAccessibleAsync(page, "endpoint, 375 px, dark");

        // Tab reaches the page's controls, and the focused one is outlined.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        var outline = await page.EvaluateAsync<string>(
            "(s => s.outlineStyle + ' ' + s.outlineWidth)(getComputedStyle(document.activeElement))");
        Assert.Equal("solid 3px", outline);
        Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
        watch.AssertOnlyFromTheApp();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task ReadOnlyLink_ShowsData_WithoutActions_AndAnotherTenantsLinkShowsNoneOfIt()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var endpoint = (await Management.ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey, readOnly: true);

        await Assertions.Expect(page.GetByText("Read-only")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("http://127.0.0.1:9/alice")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add endpoint" })).ToHaveCountAsync(0);
        await page.GetByText("http://127.0.0.1:9/alice").ClickAsync();
        await Assertions.Expect(page.GetByText("This session is read-only: it cannot see the secret.")).ToBeVisibleAsync();
        foreach (var action in new[] { "Reveal secret", "Disable", "Send test event", "Rotate secret", "Delete…" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = action })).ToHaveCountAsync(0);
        }

        var (bobs, _) = await OpenAsync(SampleFactory.BobKey);
        await Assertions.Expect(bobs.GetByText("No endpoints yet")).ToBeVisibleAsync();
        await bobs.GotoAsync($"{bobs.Url.Split('#')[0]}#/endpoints/{endpoint}");
        await Assertions.Expect(bobs.GetByRole(AriaRole.Alert)).ToContainTextAsync($"There is no '{endpoint}'");
        await Assertions.Expect(bobs.GetByText("http://127.0.0.1:9/alice")).ToHaveCountAsync(0);
        Assert.Empty(watch.Errors);
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task CrossSiteForm_PostedWithTheSession_IsRefused_AndChangesNothing()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var endpoint = (await Management.ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/alice"))["id"]!.GetValue<string>();
        var (page, _) = await OpenAsync(SampleFactory.AliceKey);
        await Assertions.Expect(page.GetByText("http://127.0.0.1:9/alice")).ToBeVisibleAsync();
        var target = $"{new Uri(page.Url).GetLeftPart(UriPartial.Authority)}{DashboardBrowser.Root}/api/endpoints/{endpoint}/disable";

        // Another site (localhost is not the same site as 127.0.0.1) whose form posts to the dashboard's API.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var other = builder.Build();
        other.MapGet("/", () => Results.Content(
            $"<!doctype html><title>Win</title><form method=post action=\"{target}\"><button>Win a prize</button></form>", "text/html"));
        await other.StartAsync();
        var forger = await page.Context.NewPageAsync();
        await forger.GotoAsync($"http://localhost:{new Uri(other.Urls.First()).Port}/");

        // The form is submitted as its button would, and only the response is awaited: a click also waits for the refused page to
        // load, and once waited 30 s for a load event that never came, which is not what this test is about.
        var answer = await forger.RunAndWaitForResponseAsync(
            () => forger.Locator("form").EvaluateAsync("form => { setTimeout(() => form.requestSubmit(), 0); }"), target);

        Assert.True(answer.Status is 401 or 403, $"The forged POST answered {answer.Status}.");
        Assert.True((await Management.ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{endpoint}"))["enabled"]!.GetValue<bool>());
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task LinkOfAnotherTenant_NamesBoth_SwitchesOnlyWhenAsked_AndSignOutEndsTheSession()
    {
        var (page, watch) = await OpenAsync(SampleFactory.AliceKey);
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Signed in as alice");
        using var bob = Sample.Client(SampleFactory.BobKey);
        var link = (await DashboardBrowser.CreateLinkAsync(bob))["url"]!.GetValue<string>();

        await page.GotoAsync(link);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open the webhook dashboard of bob" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("signed in to the webhook dashboard of alice");
        Assert.DoesNotContain("#", page.Url, StringComparison.Ordinal); // The token left the address bar.
        await ExpectAccessibleAsync(page, "link of another tenant");
        await page.GetByRole(AriaRole.Link, new() { Name = "Keep the dashboard of alice" }).ClickAsync();
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Signed in as alice");

        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to bob" }).ClickAsync();
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Signed in as bob");
        await Assertions.Expect(page.GetByText("No endpoints yet")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You signed out" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header")).Not.ToContainTextAsync("bob");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open your dashboard" })).ToBeVisibleAsync();
        var unauthorized = Assert.Single(watch.Errors); // The reloaded page's own call, answered 401.
        Assert.StartsWith("Failed to load resource: the server responded with a status of 401", unauthorized, StringComparison.Ordinal);
        watch.AssertOnlyFromTheApp();
    }

    /// <summary>Opens a new link of the tenant's in a new browser context (see <see cref="DashboardInBrowser.OpenAsync"/>).</summary>
    private async Task<(IPage Page, PageWatch Watch)> OpenAsync(
        string apiKey, ViewportSize? viewport = null, ColorScheme colorScheme = ColorScheme.Light, bool? readOnly = null)
    {
        using var client = Sample.Client(apiKey);
        return await DashboardInBrowser.OpenAsync(Browser, client, viewport, colorScheme, readOnly);
    }

    private static Task<bool> FitsAsync(IPage page) => DashboardInBrowser.FitsAsync(page);

    private static Task ExpectAccessibleAsync(IPage page, string screen) => DashboardInBrowser.ExpectAccessibleAsync(page, screen);
}
