using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hookline.Tests.Management;
using Microsoft.Playwright;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// The message log, a message's page and the event catalog in Debian's Chromium, at 1280 and 375 pixels wide, light and dark:
/// each endpoint's state in a word and a colour, filters and a search kept in the URL, attempts counted as they are listed,
/// failures in words, payloads and receivers' answers escaped and cut short, descriptions' Markdown built as elements, and
/// examples that look like real payloads. Every screen fits its width and axe-core finds no violation in it.
/// </summary>
public sealed class DashboardMessagesBrowserTests : IAsyncLifetime
{
    /// <summary>Text that tries to be markup, with control characters; a payload or an answer adds a line longer than any screen.</summary>
    private const string Hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">\u0000\u0007\u001b[31m";

    /// <summary>Nothing listens there: a connection to it is refused.</summary>
    private const string Refused = "http://127.0.0.1:9/refused";

    private static readonly ViewportSize s_phone = new() { Width = 375, Height = 740 };

    private TestBrowser? _chromium;

    public async Task InitializeAsync()
    {
        _chromium = await TestBrowser.StartAsync();
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task MessageLog_ShowsEachEndpointsState_AndKeepsFiltersAndSearchInTheUrl_ThroughReloadBackAndForward()
    {
        // Retried once after 200 ms, then in an hour: a failing endpoint's delivery stays to be retried.
        await using var sample = SampleFactory.Development(settings: new Dictionary<string, string?>
        {
            ["Webhooks:Delivery:RetrySchedule:1"] = "01:00:00",
        });
        await using var ok = await TestReceiver.StartAsync();
        await using var flaky = await TestReceiver.StartAsync(TestReceiver.Status(500));
        await using var gone = await TestReceiver.StartAsync(TestReceiver.Status(410));
        using var alice = sample.Client(SampleFactory.AliceKey);
        foreach (var url in new[] { ok.Url, flaky.Url, gone.Url, Refused })
        {
            await ManagementApi.RegisterAsync(alice, url);
        }

        // Rick's subscription: succeeded at one endpoint, failed at the one that is gone (410), to be retried at two.
        await ManagementApi.SubscribeAsync(alice, "rick");
        var rick = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice,
            "/webhooks/messages",
            m => m.Count == 1 && States(m[0]!) == "failed:1 pending:2 pending:2 succeeded:1",
            "rick's delivery: succeeded, failed, and twice to be retried"))!;
        var rickId = rick["id"]!.GetValue<string>();
        var publisher = sample.Services.GetRequiredService<IWebhookPublisher>();
        var hostileId = (await publisher.PublishAsync(
            "new-subscription", new Subscription(Hostile + new string('y', 3000), 9.99m, DateTimeOffset.UtcNow), "alice")).MessageId;
        using (var changed = await alice.PutAsJsonAsync("/subscriptions/rick", new { monthlyFee = 19.99m }))
        {
            Assert.True(changed.IsSuccessStatusCode, $"{(int)changed.StatusCode}");
        }

        await ManagementApi.EventuallyListsAsync(
            alice,
            "/webhooks/messages",
            m => m.Count == 3 && States(m[0]!).Contains("succeeded", StringComparison.Ordinal),
            "the change, sent");

        var (page, watch) = await DashboardInBrowser.OpenAsync(_chromium!.Browser, alice);
        await page.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
        var rows = page.Locator("tr.message");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToContainTextAsync("subscription-changed");

        // Each endpoint's state in a word and a colour (its badge's class), its attempts, and when one is tried again.
        var row = rows.Filter(new() { HasText = rickId });
        await Assertions.Expect(row.Locator("li.state")).ToHaveCountAsync(4);
        var succeeded = row.Locator("li.state-succeeded");
        await Assertions.Expect(succeeded.Locator(".badge.ok")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(succeeded).ToContainTextAsync($"Succeeded · 1 attempt {Host(ok.Url)}");
        var failed = row.Locator("li.state-failed");
        await Assertions.Expect(failed.Locator(".badge.bad")).ToHaveTextAsync("Failed");
        await Assertions.Expect(failed).ToContainTextAsync($"Failed · 1 attempt {Host(gone.Url)}");
        var retrying = row.Locator("li.state-retrying");
        await Assertions.Expect(retrying).ToHaveCountAsync(2);
        foreach (var url in new[] { flaky.Url, Refused })
        {
            var state = retrying.Filter(new() { HasText = Host(url) });
            await Assertions.Expect(state.Locator(".badge.warn")).ToHaveTextAsync("Retrying");
            await Assertions.Expect(state).ToContainTextAsync($"Retrying · 2 attempts · next in 1 hour {Host(url)}");
            await Assertions.Expect(state.Locator(".next time[datetime]")).ToHaveCountAsync(1);
        }

        var colors = await page.EvaluateAsync<string[]>(
            "['ok', 'warn', 'bad'].map(tone => getComputedStyle(document.querySelector(`li.state .badge.${tone}`)).backgroundColor)");
        Assert.Equal(3, colors.Distinct().Count());
        Assert.DoesNotContain("pending", await row.TextContentAsync(), StringComparison.OrdinalIgnoreCase);

        // The payload, opened in place: escaped, its control characters as JSON writes them, cut short, the rest a click away.
        var hostile = rows.Filter(new() { HasText = hostileId });
        await hostile.Locator("details.payload > summary").ClickAsync();
        var preview = hostile.Locator("details.payload pre.clip").First;
        await Assertions.Expect(preview).ToContainTextAsync(
            "\"username\": \"<script>window.__pwned = 1</script><img src=x onerror=\\\"window");
        await Assertions.Expect(preview).ToContainTextAsync("\\u0000\\u0007\\u001b[31myyy");
        Assert.InRange((await preview.TextContentAsync())!.Length, 1000, 1501);
        await Assertions.Expect(hostile.GetByText(new Regex("^Show all .+ characters$"))).ToBeVisibleAsync();
        await ExpectNothingRanAsync(page);
        Assert.True(await DashboardInBrowser.FitsAsync(page), "The message log scrolls sideways at 1280 px.");
        await DashboardInBrowser.ExpectAccessibleAsync(page, "messages, 1280 px, light", everyImpact: true);

        // A filter is kept in the URL: a reload applies it again.
        await page.GetByLabel("Delivery").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(rickId);
        Assert.EndsWith("#/messages?status=failed", page.Url, StringComparison.Ordinal);
        await page.ReloadAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(rickId);
        await Assertions.Expect(page.GetByLabel("Delivery")).ToHaveValueAsync("failed");

        // Another filter; back and forward show each again, the form's fields too.
        await page.GetByLabel("Delivery").SelectOptionAsync("");
        await page.GetByLabel("Event type").SelectOptionAsync("subscription-changed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync("subscription-changed");
        Assert.EndsWith("#/messages?eventType=subscription-changed", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(rickId);
        await Assertions.Expect(page.GetByLabel("Delivery")).ToHaveValueAsync("failed");
        await Assertions.Expect(page.GetByLabel("Event type")).ToHaveValueAsync("");
        Assert.EndsWith("#/messages?status=failed", page.Url, StringComparison.Ordinal);
        await page.GoForwardAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync("subscription-changed");
        await Assertions.Expect(page.GetByLabel("Event type")).ToHaveValueAsync("subscription-changed");
        await Assertions.Expect(page.GetByLabel("Delivery")).ToHaveValueAsync("");

        // Found by its id (the webhook-id its endpoints received); a malformed id is refused next to its field.
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await page.GetByLabel("Message id").FillAsync($" {rickId} ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(rickId);
        Assert.EndsWith($"#/messages?messageId={rickId}", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Message id").FillAsync("msg_nope");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#f-messageId-error")).ToContainTextAsync("'msg_nope' is not an id of this kind");
        await Assertions.Expect(page.GetByLabel("Message id")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("Message id")).ToBeFocusedAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        await DashboardInBrowser.ExpectAccessibleAsync(page, "messages, a refused search", everyImpact: true);
        await page.GetByLabel("Message id").FillAsync("msg_01M850S30WTYNBNKC0YYW92ZRX");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator(".empty"))
            .ToContainTextAsync("None of your messages has the id msg_01M850S30WTYNBNKC0YYW92ZRX");

        // The malformed id's 400 is the one failed load.
        var refused = Assert.Single(watch.Errors);
        Assert.StartsWith("Failed to load resource: the server responded with a status of 400", refused, StringComparison.Ordinal);
        watch.AssertOnlyFromTheApp();

        // On a phone, in dark mode: the log and a message fit the screen.
        var (phone, phoneWatch) = await DashboardInBrowser.OpenAsync(_chromium!.Browser, alice, s_phone, ColorScheme.Dark);
        await phone.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
        var phoneRows = phone.Locator("tr.message");
        await Assertions.Expect(phoneRows).ToHaveCountAsync(3);
        await phoneRows.Filter(new() { HasText = hostileId }).Locator("details.payload > summary").ClickAsync();
        await Assertions.Expect(phoneRows.Filter(new() { HasText = rickId }).Locator("li.state-retrying")).ToHaveCountAsync(2);
        Assert.True(await DashboardInBrowser.FitsAsync(phone), "The message log scrolls sideways at 375 px.");
        await DashboardInBrowser.ExpectAccessibleAsync(phone, "messages, 375 px, dark", everyImpact: true);
        await phoneRows.Filter(new() { HasText = hostileId }).Locator("td.id a").ClickAsync();
        await Assertions.Expect(phone.GetByLabel("Payload")).ToContainTextAsync("<script>window.__pwned = 1</script>");
        Assert.True(await DashboardInBrowser.FitsAsync(phone), "A message's page scrolls sideways at 375 px.");
        await DashboardInBrowser.ExpectAccessibleAsync(phone, "message, 375 px, dark", everyImpact: true);
        await ExpectNothingRanAsync(phone);
        Assert.True(phoneWatch.Errors.IsEmpty, string.Join("\n", phoneWatch.Errors));
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task MessagePage_ListsUnderEachDeliveryTheAttemptsItCounts_InWords_WithAnswersEscapedAndCutShort()
    {
        await using var sample = SampleFactory.Development(settings: new Dictionary<string, string?>
        {
            ["Webhooks:Delivery:Timeout"] = "00:00:01",
        });
        var answer = Hostile + new string('x', 5000);
        await using var flaky = await TestReceiver.StartAsync(
            TestReceiver.Sequence(TestReceiver.Status(500, answer), TestReceiver.Status(500, answer), TestReceiver.Status(204)));
        await using var hang = await TestReceiver.StartAsync(TestReceiver.Hang);
        using var alice = sample.Client(SampleFactory.AliceKey);
        foreach (var url in new[] { flaky.Url, hang.Url, Refused })
        {
            await ManagementApi.RegisterAsync(alice, url);
        }

        // Each of the three fails twice (an attempt and a retry).
        await ManagementApi.SubscribeAsync(alice, "rick");
        var id = Assert.Single(await ManagementApi.EventuallyListsAsync(
            alice, "/webhooks/messages", m => m.Count == 1 && States(m[0]!) == "failed:2 failed:2 failed:2", "every delivery failed"))!
            ["id"]!.GetValue<string>();

        var (page, watch) = await DashboardInBrowser.OpenAsync(_chromium!.Browser, alice, colorScheme: ColorScheme.Dark);
        await page.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
        await page.Locator("tr.message td.id a").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "new-subscription" })).ToBeVisibleAsync();
        Assert.EndsWith($"#/messages/{id}", page.Url, StringComparison.Ordinal);

        // Under each delivery, its own attempts, as many as it counts; how each ended in words.
        var flakyCard = Delivery(page, flaky.Url);
        await Assertions.Expect(flakyCard.Locator(".delivery-state")).ToHaveTextAsync("Failed · 2 attempts");
        var flakyAttempts = flakyCard.GetByRole(AriaRole.Region, new() { Name = $"Attempts to {flaky.Url}" }).Locator("tbody tr");
        await Assertions.Expect(flakyAttempts).ToHaveCountAsync(2);
        await Assertions.Expect(flakyAttempts.Locator(".outcome"))
            .ToHaveTextAsync(["500 Internal Server Error", "500 Internal Server Error"]);
        var hangCard = Delivery(page, hang.Url);
        await Assertions.Expect(hangCard.Locator(".delivery-state")).ToHaveTextAsync("Failed · 2 attempts");
        await Assertions.Expect(hangCard.Locator("tbody tr .outcome")).ToHaveTextAsync(["Timed out after 1 s", "Timed out after 1 s"]);
        await Assertions.Expect(hangCard.Locator("tbody tr td.response")).ToHaveTextAsync(["No response", "No response"]);
        var refusedCard = Delivery(page, Refused);
        await Assertions.Expect(refusedCard.Locator("tbody tr .outcome")).ToHaveTextAsync(["Connection refused", "Connection refused"]);
        var text = await page.Locator("main").TextContentAsync();
        Assert.DoesNotContain("connectionRefused", text, StringComparison.Ordinal);
        Assert.DoesNotContain("httpStatus", text, StringComparison.Ordinal);
        Assert.DoesNotContain("A task was canceled", text, StringComparison.Ordinal);

        // The receiver's answer: a code block, escaped, its control characters shown as escapes set apart (NUL was stored as
        // U+FFFD), cut at 240 characters; all of its first 4 KiB a click away.
        var latest = flakyAttempts.First;
        var start = latest.Locator("td.response pre.clip").First;
        var markup = Regex.Escape("<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">");
        await Assertions.Expect(start).ToHaveTextAsync(new Regex($"^{markup}\uFFFD\\\\u0007\\\\u001b\\[31mx+…$"));
        await Assertions.Expect(start.Locator(".ctl")).ToHaveTextAsync(["\\u0007", "\\u001b"]);
        Assert.Equal(240 + 10 + 1, (await start.TextContentAsync())!.Length); // Each of the two shown as six characters.
        await latest.GetByText(new Regex("^Show all 4.096 characters$")).ClickAsync();
        Assert.Equal(4096 + 10, (await latest.Locator("details.more pre.clip").TextContentAsync())!.Length);
        await ExpectNothingRanAsync(page);
        Assert.True(await DashboardInBrowser.FitsAsync(page), "A message's page scrolls sideways at 1280 px.");
        await DashboardInBrowser.ExpectAccessibleAsync(page, "message, 1280 px, dark", everyImpact: true);

        // Sent again, it succeeds: three attempts counted, three listed (a resend restarts the retry schedule, not the count).
        await flakyCard.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await Assertions.Expect(flakyAttempts).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Assertions.Expect(flakyCard.Locator(".delivery-state")).ToHaveTextAsync("Succeeded · 3 attempts");
        await Assertions.Expect(flakyAttempts.First.Locator(".outcome")).ToHaveTextAsync("204 No Content");
        foreach (var card in await page.Locator(".card.delivery").AllAsync())
        {
            var counted = int.Parse(Regex.Match((await card.Locator(".attempt-count").TextContentAsync())!, "^[0-9]+").Value);
            Assert.Equal(counted, await card.Locator("tbody tr").CountAsync());
        }

        Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
        watch.AssertOnlyFromTheApp();

        // On a phone, in light mode.
        var (phone, phoneWatch) = await DashboardInBrowser.OpenAsync(_chromium!.Browser, alice, s_phone);
        await phone.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
        await phone.Locator("tr.message td.id a").ClickAsync();
        await Assertions.Expect(Delivery(phone, flaky.Url).Locator(".delivery-state")).ToHaveTextAsync("Succeeded · 3 attempts");
        await Delivery(phone, flaky.Url).GetByText(new Regex("^Show all 4.096 characters$")).First.ClickAsync();
        Assert.True(await DashboardInBrowser.FitsAsync(phone), "A message's page scrolls sideways at 375 px.");
        await DashboardInBrowser.ExpectAccessibleAsync(phone, "message, 375 px, light", everyImpact: true);
        Assert.True(phoneWatch.Errors.IsEmpty, string.Join("\n", phoneWatch.Errors));
    }

    [RequiresFact(Requirement.Chromium)]
    public async Task Catalog_BuildsDescriptionsMarkdownAsElements_NeverAsHtml_AndShowsExamplesThatLookReal()
    {
        const string Description =
            "Sent when someone signs up for `plans`: *once* per **account**; see [the guide](https://docs.example/signups). "
            + "Not [this](javascript:alert.call) nor <img src=x onerror=alert(1)> or <script>alert(1)</script>; snake_case_names "
            + "stay as they are.";
        await using var app = await DashboardApp.StartAsync(
            declare: a => a.Webhooks.MapPost<Signup>("signup").WithDescription(Description));
        using var alice = app.Client("alice");

        foreach (var (viewport, scheme) in new[] { ((ViewportSize?)null, ColorScheme.Light), (s_phone, ColorScheme.Dark) })
        {
            var screen = $"event types, {viewport?.Width ?? 1280} px, {scheme}";
            var (page, watch) = await DashboardInBrowser.OpenAsync(_chromium!.Browser, alice, viewport, scheme);
            await page.GetByRole(AriaRole.Link, new() { Name = "Event types" }).ClickAsync();

            var description = page.Locator("p.description");
            await Assertions.Expect(description.Locator("code")).ToHaveTextAsync("plans");
            await Assertions.Expect(description.Locator("em")).ToHaveTextAsync("once");
            await Assertions.Expect(description.Locator("strong")).ToHaveTextAsync("account");
            var link = description.Locator("a");
            await Assertions.Expect(link).ToHaveCountAsync(1);
            await Assertions.Expect(link).ToHaveTextAsync("the guide");
            await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://docs.example/signups");
            await Assertions.Expect(description).ToContainTextAsync(
                "Not [this](javascript:alert.call) nor <img src=x onerror=alert(1)> or <script>alert(1)</script>; snake_case_names stay");
            await ExpectNothingRanAsync(page);

            // The example: values by format, strings after their property's name; never "string".
            var example = page.GetByLabel("Example of signup");
            await Assertions.Expect(example).ToContainTextAsync("\"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\"");
            await Assertions.Expect(example).ToContainTextAsync("\"homepage\": \"https://example.com/\"");
            await Assertions.Expect(example).ToContainTextAsync("\"signedUpAt\": \"2026-01-31T12:00:00+00:00\"");
            await Assertions.Expect(example).ToContainTextAsync("\"email\": \"user@example.com\"");
            await Assertions.Expect(example).ToContainTextAsync("\"planCode\": \"plan code\"");
            await Assertions.Expect(example).Not.ToContainTextAsync("\"string\"");

            Assert.True(await DashboardInBrowser.FitsAsync(page), $"{screen}: scrolls sideways.");
            await DashboardInBrowser.ExpectAccessibleAsync(page, screen, everyImpact: true);
            Assert.True(watch.Errors.IsEmpty, string.Join("\n", watch.Errors));
            watch.AssertOnlyFromTheApp();
        }
    }

    /// <summary>A message's deliveries, as <c>status:attempts</c> in order: <c>failed:1 pending:2 succeeded:1</c>.</summary>
    private static string States(JsonNode message) => string.Join(
        " ", message["deliveries"]!.AsArray().Select(d => $"{d!["status"]}:{d["attempts"]}").Order(StringComparer.Ordinal));

    /// <summary>A URL as the log shows it: without its scheme.</summary>
    private static string Host(string url) => url[(url.IndexOf("//", StringComparison.Ordinal) + 2)..];

    /// <summary>A delivery's card on a message's page.</summary>
    private static ILocator Delivery(IPage page, string url) =>
        page.Locator(".card.delivery", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = url, Exact = true }) });

    /// <summary>No markup from a payload, an answer or a description became an element, and none of its scripts ran.</summary>
    private static async Task ExpectNothingRanAsync(IPage page)
    {
        Assert.Equal(0, await page.Locator("main script, main img, main [onerror]").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("window.__pwned === undefined"));
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    /// <summary>A sign-up.</summary>
    /// <param name="Id">Its id.</param>
    /// <param name="Email">Where to write to.</param>
    /// <param name="Homepage">The account's site.</param>
    /// <param name="SignedUpAt">When.</param>
    /// <param name="PlanCode">The plan chosen.</param>
    private sealed record Signup(Guid Id, string Email, Uri Homepage, DateTimeOffset SignedUpAt, string PlanCode);
}
