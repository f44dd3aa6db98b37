using System.Net;
using Hookline.Dashboard;
using Hookline.Tests.Management;
using Microsoft.Playwright;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// The endpoints' screens and the header in Debian's Chromium, at 1280 and 375 pixels, light and dark: an endpoint's page in
/// sections (health with its circuit breaker, last success and blocked queue; secret and its rotation; testing, whose feedback
/// sits next to its button; attempts; advanced settings), the list's last success, who is signed in with the way out on every
/// screen, and every screen as wide as the viewport at most, with no accessibility violation of any impact.
/// </summary>
public sealed class DashboardEndpointsBrowserTests : SampleInChromium
{
    /// <summary>A desktop in the light, and a phone in the dark.</summary>
    private static readonly (int Width, ColorScheme Scheme)[] s_screens = [(1280, ColorScheme.Light), (375, ColorScheme.Dark)];

    /// <summary>The endpoint page's sections, in order: the headings a screen reader lists, each its landmark's name.</summary>
    private static readonly string[] s_sections = ["Health", "Signing secret", "Test", "Recent attempts", "Advanced"];

    [RequiresFact(Requirement.Chromium)]
    public async Task EndpointPage_InSections_SaysWhatATestScheduled_ThenItsOutcome_NextToTheButton_AndHowTheEndpointIsDoing()
    {
        var down = true;
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.StatusCode = Volatile.Read(ref down) ? 500 : 204;
            return Task.CompletedTask;
        });
        using var alice = Sample.Client(SampleFactory.AliceKey);
        foreach (var (width, scheme) in s_screens)
        {
            var screen = $"endpoint, {width} px, {scheme}";
            Volatile.Write(ref down, true);
            var id = await RegisterAsync(alice, new { url = receiver.Url, rateLimit = 5, eventTypes = new[] { "new-subscription" } });
            var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);
            await page.GotoAsync($"{page.Url}#/endpoints/{id}");

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = receiver.Url, Level = 1 })).ToBeVisibleAsync();
            Assert.Equal(s_sections, await page.GetByRole(AriaRole.Heading, new() { Level = 2 }).AllTextContentsAsync());
            foreach (var section in s_sections)
            {
                await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = section, Exact = true })).ToBeVisibleAsync();
            }

            var health = page.GetByRole(AriaRole.Region, new() { Name = "Health" });
            await Assertions.Expect(health).ToContainTextAsync("Last successNever");
            await Assertions.Expect(health).ToContainTextAsync("Circuit breakerProbing (half-open)");
            await Assertions.Expect(health).ToContainTextAsync("Deliveries at onceOne at a time, until one succeeds");
            await Assertions.Expect(health).ToContainTextAsync("OrderAny order");
            var advanced = page.GetByRole(AriaRole.Region, new() { Name = "Advanced" });
            await Assertions.Expect(advanced).ToContainTextAsync("Rate limitAt most 5 deliveries a second");
            await Assertions.Expect(advanced).ToContainTextAsync("Event typesnew-subscription");
            await Assertions.Expect(advanced).Not.ToContainTextAsync("subscription-changed");
            await ExpectFitsAsync(page, screen);
            await ExpectNoViolationsAsync(page, screen);

            // The receiver fails: next to the button, what was scheduled, then how its attempt went.
            var test = page.GetByRole(AriaRole.Region, new() { Name = "Test", Exact = true });
            var button = test.GetByRole(AriaRole.Button, new() { Name = "Send test event" });
            var feedback = test.GetByRole(AriaRole.Status);
            await button.ClickAsync();
            await Assertions.Expect(feedback).ToContainTextAsync(new System.Text.RegularExpressions.Regex(
                "^Scheduled: new-subscription as msg_\\w+, to this endpoint only"));
            await Assertions.Expect(feedback).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex(
                    "^Failed: new-subscription \\(msg_\\w+\\) — the endpoint answered 500 Internal Server Error after \\d+ ms"),
                new() { Timeout = 30_000 });
            await ExpectNextToAsync(button, feedback, screen);
            await Assertions.Expect(health).ToContainTextAsync("Last successNever");
            await Assertions.Expect(health).ToContainTextAsync("Last failure, 24 h");
            await Assertions.Expect(health).ToContainTextAsync("(500)");
            var attempts = page.GetByRole(AriaRole.Region, new() { Name = "Attempts", Exact = true });
            await Assertions.Expect(attempts).ToContainTextAsync("Failed");
            await ExpectFitsAsync(page, $"{screen}, a failed test");
            await ExpectNoViolationsAsync(page, $"{screen}, a failed test");

            // Back up: the next test is delivered, the endpoint's last success is now, its circuit closed.
            Volatile.Write(ref down, false);
            await Management.ManagementApi.EventuallyListsAsync(
                alice, $"/webhooks/messages?endpointId={id}&status=pending", m => m.Count == 0, "the failed test's retry is over");
            await button.ClickAsync();
            await Assertions.Expect(feedback).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex(
                    "^Delivered: new-subscription \\(msg_\\w+\\) — the endpoint answered 204 No Content in \\d+ ms"),
                new() { Timeout = 30_000 });
            await Assertions.Expect(health).Not.ToContainTextAsync("Last successNever");
            await Assertions.Expect(health.Locator("dt:text-is('Last success') + dd time")).ToBeVisibleAsync();
            await Assertions.Expect(health).ToContainTextAsync("Circuit breakerClosed");
            await Assertions.Expect(health).ToContainTextAsync("Deliveries at onceSeveral: its latest delivery succeeded");
            await ExpectFitsAsync(page, $"{screen}, a delivered test");
            await ExpectNoViolationsAsync(page, $"{screen}, a delivered test");

            // The secret and its rotation, together: the new secret shows where the old one was, and the overlap is said there.
            var secret = page.GetByRole(AriaRole.Region, new() { Name = "Signing secret" });
            await secret.GetByRole(AriaRole.Button, new() { Name = "Reveal secret" }).ClickAsync();
            var before = await secret.Locator("#secret-value").TextContentAsync();
            await secret.GetByLabel("Old secret keeps signing for").SelectOptionAsync("3600");
            await secret.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
            await Assertions.Expect(secret.GetByRole(AriaRole.Status).Filter(new() { HasText = "Rotated" }))
                .ToHaveTextAsync("Rotated: the new secret, shown above, signs from now on; the old one signs too for 1 hour.");
            await Assertions.Expect(secret.Locator("#secret-value")).Not.ToHaveTextAsync(before!);
            Assert.Equal(
                (await Management.ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}/secret"))["secret"]!.GetValue<string>(),
                await secret.Locator("#secret-value").TextContentAsync());
            await ExpectFitsAsync(page, $"{screen}, secret rotated");
            await ExpectNoViolationsAsync(page, $"{screen}, secret rotated");

            Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
            watch.AssertOnlyFromTheApp();
            await page.Context.CloseAsync();
        }
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task OrderedEndpoint_ShowsItsBlockedDelivery_UnderHealth_AndSkippingItLetsTheNextGo()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        foreach (var (width, scheme) in s_screens)
        {
            var screen = $"ordered endpoint, {width} px, {scheme}";
            await using var receiver = await TestReceiver.StartAsync(TestReceiver.FailingTheFirstMessage());
            var id = await RegisterAsync(alice, new { url = receiver.Url, ordering = "ordered" });
            var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);
            await page.GotoAsync($"{page.Url}#/endpoints/{id}");
            var health = page.GetByRole(AriaRole.Region, new() { Name = "Health" });
            await Assertions.Expect(health).ToContainTextAsync(
                "OrderIn publish order; a failed delivery holds back the rest of its key until you send it again or skip it");
            var heading = health.GetByRole(AriaRole.Heading, new() { Name = "Blocked deliveries", Level = 3 });
            await Assertions.Expect(heading).ToBeVisibleAsync();
            await Assertions.Expect(health).ToContainTextAsync("None: no message is holding back the rest of its key.");

            // The sample publishes without an ordering key: the first delivery fails for good and holds back the second.
            await Management.ManagementApi.SubscribeAsync(alice, $"rick-{width}");
            await Management.ManagementApi.SubscribeAsync(alice, $"morty-{width}");
            var blocked = await Management.ManagementApi.EventuallyListsAsync(
                alice, $"/webhooks/messages?endpointId={id}&status=blocked", m => m.Count == 1, "the first delivery blocked");
            var message = blocked[0]!["id"]!.GetValue<string>();
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            var card = health.Locator(".card", new() { HasText = message });
            await Assertions.Expect(card).ToContainTextAsync("new-subscription");
            await Assertions.Expect(health).ToContainTextAsync("Each holds back the later messages of its key");
            await ExpectFitsAsync(page, screen);
            await ExpectNoViolationsAsync(page, screen);

            await card.GetByRole(AriaRole.Button, new() { Name = "Skip" }).ClickAsync();
            await Assertions.Expect(health.GetByRole(AriaRole.Status).Filter(new() { HasText = "Skipped" })).ToHaveTextAsync(
                $"Skipped {message}: it counts as failed, and the next message of its key goes now.");
            await Assertions.Expect(health.Locator(".card")).ToHaveCountAsync(0);
            await Assertions.Expect(health).ToContainTextAsync("None: no message is holding back the rest of its key.");
            await Management.ManagementApi.EventuallyListsAsync(
                alice,
                $"/webhooks/messages?endpointId={id}&status=succeeded",
                m => m.Count == 1,
                "the second, sent once the first was skipped");
            Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
            await page.Context.CloseAsync();
        }
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task EndpointList_ShowsEachEndpointsLastSuccess_OrNever()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var delivered = await RegisterAsync(alice, new { url = receiver.Url });
        await RegisterAsync(alice, new { url = "http://127.0.0.1:9/never-answers" });
        using (var sent = await alice.PostAsJsonAsync($"/webhooks/endpoints/{delivered}/test", new { eventType = "new-subscription" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await Management.ManagementApi.EventuallyListsAsync(
            alice, $"/webhooks/attempts?endpointId={delivered}&status=succeeded", a => a.Count == 1, "the test event delivered");
        var at = (await Management.ManagementApi.GetAsync(alice, $"/webhooks/stats?endpointId={delivered}"))["data"]![0]!["lastSuccessAt"]!;
        foreach (var (width, scheme) in s_screens)
        {
            var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);

            var cards = page.Locator(".card");
            await Assertions.Expect(cards).ToHaveCountAsync(2);
            var success = page.Locator(".card", new() { HasText = receiver.Url }).Locator("dt:text-is('Last success') + dd time");
            await Assertions.Expect(success).ToHaveAttributeAsync("datetime", DateTimeOffset.Parse(
                at.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
            await Assertions.Expect(page.Locator(".card", new() { HasText = "never-answers" })).ToContainTextAsync("Last successNever");
            await ExpectFitsAsync(page, $"endpoints, {width} px, {scheme}");
            await ExpectNoViolationsAsync(page, $"endpoints, {width} px, {scheme}");
            Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
            await page.Context.CloseAsync();
        }

    }

    [RequiresFact(Requirement.Chromium)]
    public async Task V1aEndpoint_ShowsItsPublicKey_NoSecret_AndItsFormChangesItsSchemes()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        foreach (var (width, scheme) in s_screens)
        {
            var screen = $"v1a endpoint, {width} px, {scheme}";
            var url = $"http://127.0.0.1:9/v1a-{width}";
            var id = await RegisterAsync(alice, new { url, signatureSchemes = new[] { "v1a" } });
            var key = (await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}"))["publicKeys"]![0]!["publicKey"]!.GetValue<string>();
            var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);
            await page.GotoAsync($"{page.Url.Split('#')[0]}#/endpoints/{id}");

            var signing = page.GetByRole(AriaRole.Region, new() { Name = "Signing secret" });
            await Assertions.Expect(signing).ToContainTextAsync("None: this endpoint signs with v1a only.");
            await Assertions.Expect(signing.GetByRole(AriaRole.Button, new() { Name = "Reveal secret" })).ToHaveCountAsync(0);
            await Assertions.Expect(signing.GetByRole(AriaRole.Heading, new() { Name = "Public keys", Level = 3 })).ToBeVisibleAsync();
            await Assertions.Expect(signing.GetByRole(AriaRole.Listitem)).ToContainTextAsync([$"{key} current"]);
            await ExpectFitsAsync(page, screen);
            await ExpectNoViolationsAsync(page, screen);

            // The form ticks how it signs; none ticked is refused at the field, which takes the focus.
            await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
            var v1 = page.GetByRole(AriaRole.Checkbox, new() { Name = "v1 HMAC-SHA256" });
            var v1a = page.GetByRole(AriaRole.Checkbox, new() { Name = "v1a Ed25519" });
            await Assertions.Expect(v1).Not.ToBeCheckedAsync();
            await Assertions.Expect(v1a).ToBeCheckedAsync();
            await v1a.UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.Locator("#signatureSchemes-error")).ToHaveTextAsync(
                "An endpoint signs with at least one scheme (V1, V1a); leave them out for V1.");
            await Assertions.Expect(v1).ToBeFocusedAsync();
            await ExpectNoViolationsAsync(page, $"{screen}, its form refused");
            await v1.CheckAsync();
            await v1a.CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = url, Level = 1 })).ToBeVisibleAsync();
            var saved = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}");
            Assert.Equal(["v1", "v1a"], saved["signatureSchemes"]!.AsArray().Select(s => s!.GetValue<string>()));

            // The refusal's 422 is the one failed load.
            var refused = Assert.Single(watch.Errors);
            Assert.StartsWith("Failed to load resource: the server responded with a status of 422", refused, StringComparison.Ordinal);
            await page.Context.CloseAsync();
        }
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task PollingEndpoint_IsNamedByItsId_ItsPageSaysItIsRead_AndItsFormKeepsItPolling()
    {
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var id = await RegisterAsync(alice, new { polling = true, eventTypes = new[] { "new-subscription" } });
        var name = $"Polling endpoint {id}";
        foreach (var (width, scheme) in s_screens)
        {
            var screen = $"polling endpoint, {width} px, {scheme}";
            var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);

            await Assertions.Expect(page.Locator(".card h2 a")).ToHaveTextAsync(name);
            await ExpectNoViolationsAsync(page, $"{screen}, the list");
            await page.GotoAsync($"{page.Url.Split('#')[0]}#/endpoints/{id}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
            var health = page.GetByRole(AriaRole.Region, new() { Name = "Health" });
            await Assertions.Expect(health).ToContainTextAsync("KindPolling: nothing is sent; its messages are read from its feed");
            await Assertions.Expect(health).Not.ToContainTextAsync("Circuit breaker");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recover failed deliveries" })).ToHaveCountAsync(0);

            // Its test event goes to its feed: said at once, not waited for as an attempt.
            var test = page.GetByRole(AriaRole.Region, new() { Name = "Test", Exact = true });
            await test.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
            await Assertions.Expect(test.GetByRole(AriaRole.Status)).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex("^Published: new-subscription as msg_\\w+, in this endpoint's feed only"));
            await ExpectFitsAsync(page, screen);
            await ExpectNoViolationsAsync(page, screen);

            // Its form has no URL, rate limit or order, and saving keeps it polling.
            await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edit endpoint" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByLabel("URL", new() { Exact = true })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByLabel("Rate limit (optional)")).ToHaveCountAsync(0);
            await ExpectNoViolationsAsync(page, $"{screen}, its form");
            await page.GetByLabel("Description (optional)").FillAsync($"behind the firewall, {width}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
            var saved = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}");
            Assert.Equal(
                (true, $"behind the firewall, {width}"), (saved["polling"]!.GetValue<bool>(), saved["description"]!.GetValue<string>()));

            Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
            await page.Context.CloseAsync();
        }
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task EveryScreen_NamesWhoIsSignedIn_OffersSignOut_AndFitsTheViewport_InLightAndDark()
    {
        // Long words that do not break on their own: a URL, an event's id in the message log's filters, a response body.
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(500, new string('x', 600)));
        using var alice = Sample.Client(SampleFactory.AliceKey);
        var longUrl = $"{receiver.Url}/a-rather-long-path-without-breaks/that-should-wrap-or-shrink-on-a-phone-screen-0123456789";
        var id = await RegisterAsync(alice, new { url = longUrl, description = "A receiver that answers 500 with a long body" });
        await Management.ManagementApi.SubscribeAsync(alice, "rick");
        var messages = await Management.ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages?status=failed", m => m.Count == 1, "rick's delivery failed, its retry too");
        var message = messages[0]!["id"]!.GetValue<string>();

        foreach (var width in new[] { 1280, 375 })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, alice, new() { Width = width, Height = 800 }, scheme);
                var home = page.Url;
                var screens = new (string Name, string Fragment, ILocator Shown)[]
                {
                    ("endpoints", "#/", page.Locator(".card")),
                    ("endpoint", $"#/endpoints/{id}", page.GetByRole(AriaRole.Region, new() { Name = "Attempts", Exact = true })),
                    ("add endpoint", "#/endpoints/new", page.GetByLabel("URL")),
                    ("edit endpoint", $"#/endpoints/{id}/edit", page.GetByLabel("URL")),
                    ("messages", $"#/messages?endpointId={id}", page.GetByRole(AriaRole.Region, new() { Name = "Messages" })),
                    ("message", $"#/messages/{message}", page.GetByRole(AriaRole.Region, new() { Name = $"Attempts to {longUrl}" })),
                    ("event types", "#/event-types", page.GetByRole(AriaRole.Heading, new() { Name = "subscription-changed" })),
                };
                foreach (var (name, fragment, shown) in screens)
                {
                    var screen = $"{name}, {width} px, {scheme}";
                    await page.GotoAsync(home + fragment);
                    await Assertions.Expect(shown.First).ToBeVisibleAsync();
                    var header = page.GetByRole(AriaRole.Banner);
                    await Assertions.Expect(header).ToContainTextAsync("Signed in as alice");
                    await Assertions.Expect(header.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
                    await ExpectFitsAsync(page, screen);
                    await ExpectNoViolationsAsync(page, screen);

                    // On a phone, each attempt's cells stack, labelled, rather than a table wider than the screen.
                    var cell = page.Locator(".part .attempts td[data-label='Response or error']");
                    if (width == 375 && await cell.CountAsync() > 0)
                    {
                        Assert.Equal("block", await cell.First.EvaluateAsync<string>("td => getComputedStyle(td).display"));
                        Assert.Equal("Response or error", await cell.First.EvaluateAsync<string>(
                            "td => getComputedStyle(td, '::before').content.replaceAll('\"', '')"));
                    }
                }

                await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You signed out" })).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Banner)).Not.ToContainTextAsync("alice");
                await ExpectFitsAsync(page, $"signed out, {width} px, {scheme}");
                await ExpectNoViolationsAsync(page, $"signed out, {width} px, {scheme}");
                Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
                watch.AssertOnlyFromTheApp();
                await page.Context.CloseAsync();
            }
        }
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Header_NamesTheTenantAsTheAppDoes_AndSoDoesTheLinksPage()
    {
        await using var app = await DashboardApp.StartAsync(services: s => s.Configure<WebhookDashboardOptions>(o =>
            o.TenantDisplayName = (http, tenant) => ValueTask.FromResult(tenant == "t-42" ? "Acme Pies" : null)));
        using var acme = app.Client("t-42");
        using var other = app.Client("t-7");

        var (page, watch) = await DashboardInBrowser.OpenAsync(Browser, acme, new() { Width = 375, Height = 800 }, ColorScheme.Dark);

        var header = page.GetByRole(AriaRole.Banner);
        await Assertions.Expect(header).ToContainTextAsync("Signed in as Acme Pies");
        await Assertions.Expect(header).Not.ToContainTextAsync("t-42");
        await Assertions.Expect(header.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await ExpectFitsAsync(page, "header with a name");
        await ExpectNoViolationsAsync(page, "header with a name");

        // A link of a tenant the app names no name for: its id, on the link's page and, once switched, in the header.
        var theirs = (await DashboardBrowser.CreateLinkAsync(other))["url"]!.GetValue<string>();
        await page.GotoAsync(theirs);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open the webhook dashboard of t-7" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("signed in to the webhook dashboard of Acme Pies");
        await ExpectFitsAsync(page, "link of another tenant");
        await ExpectNoViolationsAsync(page, "link of another tenant");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to t-7" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Signed in as t-7");

        await page.GotoAsync((await DashboardBrowser.CreateLinkAsync(acme))["url"]!.GetValue<string>());
        var named = page.GetByRole(AriaRole.Heading, new() { Name = "Open the webhook dashboard of Acme Pies" });
        await Assertions.Expect(named).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to Acme Pies" })).ToBeVisibleAsync();
        Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
    }

    /// <summary>Registers an endpoint of the tenant's through the API, with the settings given: its id.</summary>
    private static async Task<string> RegisterAsync(HttpClient client, object settings)
    {
        using var response = await client.PostAsJsonAsync("/webhooks/endpoints", settings);
        var body = await ManagementApi.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body["id"]!.GetValue<string>();
    }

    /// <summary>The page scrolls nowhere sideways; if it does, the elements reaching past the viewport are named.</summary>
    private static async Task ExpectFitsAsync(IPage page, string screen)
    {
        if (await DashboardInBrowser.FitsAsync(page))
        {
            return;
        }

        var wide = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
              .slice(0, 8)
              .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${typeof e.className === 'string' && e.className
                ? '.' + e.className.trim().split(/\s+/).join('.') : ''} to ${Math.round(e.getBoundingClientRect().right)} px`)
            """);
        var widths = await page.EvaluateAsync<int[]>("[document.documentElement.scrollWidth, innerWidth]");
        Assert.Fail($"{screen}: the page is {widths[0]} px wide in {widths[1]} px: {string.Join(", ", wide)}");
    }

    /// <summary>No accessibility violation at all (axe-core), of whatever impact.</summary>
    private static Task ExpectNoViolationsAsync(IPage page, string screen) =>
        DashboardInBrowser.ExpectAccessibleAsync(page, screen, everyImpact: true);

    /// <summary>
    /// The feedback is the button's neighbour: right after it in the page (so a screen reader reads it next), and on screen beside
    /// it or, where the line is too narrow, just below it.
    /// </summary>
    private static async Task ExpectNextToAsync(ILocator button, ILocator feedback, string screen)
    {
        Assert.True(
            await button.EvaluateAsync<bool>("(b, f) => b.nextElementSibling === f", await feedback.ElementHandleAsync()),
            $"{screen}: the feedback does not follow the button");
        var (b, f) = (await button.BoundingBoxAsync(), await feedback.BoundingBoxAsync());
        var beside = f!.Y < b!.Y + b.Height && f.Y + f.Height > b.Y && f.X >= b.X + b.Width - 1;
        var below = f.Y >= b.Y + b.Height && f.Y - (b.Y + b.Height) < 24;
        Assert.True(beside || below, $"{screen}: the feedback is at ({f.X}, {f.Y}), the button at ({b.X}, {b.Y}) {b.Width}x{b.Height}");
    }
}
