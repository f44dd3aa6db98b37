using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hookline.Management;
using Microsoft.AspNetCore.WebUtilities;
using TheirWebhook = global::StandardWebhooks.StandardWebhook;

namespace Hookline.Tests.Management;

/// <summary>
/// Polling endpoints and their feed over HTTP, on real Kestrel servers, on both stores: what a receiver that cannot be reached at a
/// URL does (register, read, wait, verify), and what the rest of the API does with such an endpoint.
/// </summary>
public sealed class ManagementFeedTests
{
    [SkippableTheory]
    [InlineData(FeedApps.Sqlite)]
    [InlineData(FeedApps.PostgreSql)]
    public async Task Feed_HoldsEveryMatchingMessageOnce_InPublishOrder_SignedAsADelivery(string store)
    {
        await using var apps = new FeedApps(store);
        var app = await apps.StartAsync();
        using var alice = FeedApps.Client(app, "alice");
        var endpoint = await FeedApps.RegisterPollingAsync(alice, ["ping"]);
        var (id, secret) = (endpoint["id"]!.GetValue<string>(), endpoint["secret"]!.GetValue<string>());
        Assert.Equal((true, null), (endpoint["polling"]!.GetValue<bool>(), endpoint["url"]?.GetValue<string>()));
        var publisher = app.Services.GetRequiredService<IWebhookPublisher>();

        await publisher.PublishAsync("ping", new Ping(1), tenant: "alice");
        await publisher.PublishAsync("pong", new Ping(2), tenant: "alice"); // Not of its event types.
        await publisher.PublishAsync("ping", new Ping(3), tenant: "alice");
        await publisher.PublishAsync("ping", new Ping(4), tenant: "bob");
        await publisher.PublishAsync("ping", new Ping(5)); // Every tenant's.
        var (items, cursor) = await FeedApps.ReadAsync(alice, id, cursor: null, count: 3);

        Assert.Equal(["""{"sequence":1}""", """{"sequence":3}""", """{"sequence":5}"""], items.Select(i => i["body"]!.GetValue<string>()));
        foreach (var item in items)
        {
            var body = item["body"]!.GetValue<string>();
            var headers = item["headers"]!;
            var (messageId, timestamp, signature) = (
                headers["webhook-id"]!.GetValue<string>(), headers["webhook-timestamp"]!.GetValue<string>(),
                headers["webhook-signature"]!.GetValue<string>());
            Assert.Equal(item["id"]!.GetValue<string>(), messageId);
            Assert.Equal(("ping", "POST"), (item["eventType"]!.GetValue<string>(), item["method"]!.GetValue<string>()));
            Assert.Equal(
                WebhookVerificationResult.Verified,
                new WebhookVerifier(WebhookSecret.Parse(secret)).Verify(messageId, timestamp, signature, Encoding.UTF8.GetBytes(body)));
            new TheirWebhook(secret).Verify(body, new HeaderDictionary
            {
                [WebhookHeaders.Id] = messageId,
                [WebhookHeaders.Timestamp] = timestamp,
                [WebhookHeaders.Signature] = signature,
            });
        }

        // Read on from the page's cursor: nothing more. From an item's: the ones after it, again.
        var after = await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id, cursor));
        Assert.Equal(
            (0, cursor, false), (after["data"]!.AsArray().Count, after["nextCursor"]!.GetValue<string>(), after["more"]!.GetValue<bool>()));
        var again = await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id, items[0]["cursor"]!.GetValue<string>()));
        Assert.Equal(
            items.Skip(1).Select(i => i["id"]!.GetValue<string>()), again["data"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));

        // Never sent anything: no delivery to it, no attempt.
        var messages = await ManagementApi.GetAsync(alice, "/webhooks/messages");
        Assert.Contains(messages["data"]!.AsArray(), m => m!["id"]!.GetValue<string>() == items[0]["id"]!.GetValue<string>());
        Assert.All(messages["data"]!.AsArray(), m => Assert.Empty(m!["deliveries"]!.AsArray()));
        Assert.Empty((await ManagementApi.GetAsync(alice, $"/webhooks/attempts?endpointId={id}"))["data"]!.AsArray());
    }

    [SkippableTheory]
    [InlineData(FeedApps.Sqlite)]
    [InlineData(FeedApps.PostgreSql)]
    public async Task Feed_OfAnEndpointWithAPayloadFilter_HoldsOnlyThePayloadsThatMatch_AsADeliveryWould(string store)
    {
        await using var apps = new FeedApps(store);
        var app = await apps.StartAsync();
        using var alice = FeedApps.Client(app, "alice");
        using var registered = await alice.PostAsJsonAsync(
            "/webhooks/endpoints", new { polling = true, filters = new Dictionary<string, string> { ["ping"] = "sequence >= 3" } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await ManagementApi.ReadAsync(registered))["id"]!.GetValue<string>();
        var publisher = app.Services.GetRequiredService<IWebhookPublisher>();

        foreach (var sequence in new[] { 1, 3, 2, 4 })
        {
            await publisher.PublishAsync("ping", new Ping(sequence), tenant: "alice");
        }

        await publisher.PublishAsync("pong", new Ping(0), tenant: "alice"); // No filter for pong: all of its payloads.
        var (items, cursor) = await FeedApps.ReadAsync(alice, id, cursor: null, count: 3);

        Assert.Equal(
            ["""{"sequence":3}""", """{"sequence":4}""", """{"sequence":0}"""], items.Select(i => i["body"]!.GetValue<string>()));
        Assert.Empty((await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id, cursor)))["data"]!.AsArray());
    }

    [SkippableTheory]
    [InlineData(FeedApps.Sqlite)]
    [InlineData(FeedApps.PostgreSql)]
    public async Task Feed_AWaitingRead_AnswersAsSoonAsAMessageIsPublished(string store)
    {
        // Polling every 30 s: only the publish's notification can answer it within seconds.
        await using var apps = new FeedApps(store);
        var app = await apps.StartAsync(o => o.Delivery.PollInterval = TimeSpan.FromSeconds(30));
        using var alice = FeedApps.Client(app, "alice");
        var id = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        var empty = await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id));
        var cursor = empty["nextCursor"]!.GetValue<string>();

        var read = ManagementApi.GetAsync(alice, FeedApps.FeedPath(id, cursor, wait: 25));
        await Task.Delay(500);
        Assert.False(read.IsCompleted, "The read answered before anything was published.");
        var published = Stopwatch.StartNew();
        await app.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(1), tenant: "alice");
        var page = await read;

        Assert.True(published.Elapsed < TimeSpan.FromSeconds(10), $"Answered {published.Elapsed} after the publish.");
        Assert.Equal("""{"sequence":1}""", Assert.Single(page["data"]!.AsArray())!["body"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Feed_OnPostgreSql_AReadWaitingOnOneInstance_AnswersForAPublishOnAnother()
    {
        await using var apps = new FeedApps(FeedApps.PostgreSql);
        var reader = await apps.StartAsync(o => o.Delivery.PollInterval = TimeSpan.FromSeconds(30));
        var writer = await apps.StartAsync(o => o.Delivery.PollInterval = TimeSpan.FromSeconds(30));
        using var alice = FeedApps.Client(reader, "alice");
        var id = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        var cursor = (await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id)))["nextCursor"]!.GetValue<string>();

        var read = ManagementApi.GetAsync(alice, FeedApps.FeedPath(id, cursor, wait: 25));
        await Task.Delay(1_500); // The reader's instance listens from its start.
        var published = Stopwatch.StartNew();
        await writer.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("ping", new Ping(7), tenant: "alice");
        var page = await read;

        Assert.True(published.Elapsed < TimeSpan.FromSeconds(10), $"Answered {published.Elapsed} after the publish.");
        Assert.Equal("""{"sequence":7}""", Assert.Single(page["data"]!.AsArray())!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feed_AWaitingReadWithNothingPublished_AnswersEmptyAfterItsWait_WithItsCursor()
    {
        await using var apps = new FeedApps(FeedApps.Sqlite);
        var app = await apps.StartAsync();
        using var alice = FeedApps.Client(app, "alice");
        var id = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        var cursor = (await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id)))["nextCursor"]!.GetValue<string>();

        var waited = Stopwatch.StartNew();
        using var response = await alice.GetAsync(FeedApps.FeedPath(id, cursor, wait: 1));
        var page = await ManagementApi.ReadAsync(response);

        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(
            (0, cursor, false), (page["data"]!.AsArray().Count, page["nextCursor"]!.GetValue<string>(), page["more"]!.GetValue<bool>()));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Feed_BadReads_AreProblemsNamingWhatIsWrong()
    {
        await using var apps = new FeedApps(FeedApps.Sqlite);
        var app = await apps.StartAsync(o =>
        {
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
        });
        using var alice = FeedApps.Client(app, "alice");
        using var bob = FeedApps.Client(app, "bob");
        var id = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        var sent = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/hook", ["ping", "pong"]))["id"]!.GetValue<string>();
        var disabled = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        (await alice.PostAsync($"/webhooks/endpoints/{disabled}/disable", null)).EnsureSuccessStatusCode();
        var storeless = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes("1:not-a-position"));

        foreach (var (path, status, field) in new (string, HttpStatusCode, string)[]
        {
            (FeedApps.FeedPath(id, wait: 31), HttpStatusCode.BadRequest, "wait"),
            ($"/webhooks/endpoints/{id}/feed?wait=-1", HttpStatusCode.BadRequest, "wait"),
            ($"/webhooks/endpoints/{id}/feed?wait=soon", HttpStatusCode.BadRequest, "wait"),
            ($"/webhooks/endpoints/{id}/feed?cursor=%%%", HttpStatusCode.BadRequest, "cursor"),
            (FeedApps.FeedPath(id, cursor: storeless), HttpStatusCode.BadRequest, "cursor"),
            (FeedApps.FeedPath(id, limit: 0), HttpStatusCode.BadRequest, "limit"),
            (FeedApps.FeedPath("ep_nope"), HttpStatusCode.BadRequest, "endpointId"),
            (FeedApps.FeedPath(sent), HttpStatusCode.Conflict, "endpointId"),
            (FeedApps.FeedPath(disabled), HttpStatusCode.Conflict, "endpointId"),
        })
        {
            using var response = await alice.GetAsync(path);
            var problem = await ManagementApi.ReadAsync(response);
            Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode} {problem}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(problem["errors"]![field]);
        }

        var hasUrl = await ManagementApi.ReadAsync(await alice.GetAsync(FeedApps.FeedPath(sent)));
        Assert.Contains("has a URL", hasUrl["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(FeedApps.FeedPath(id))).StatusCode);
    }

    [Fact]
    public async Task Feed_WaitingReadsPastTheTenantsLimit_Are429_AndACancelledOneGivesItsPlaceBack()
    {
        await using var apps = new FeedApps(FeedApps.Sqlite);
        var app = await apps.StartAsync(o => o.Management.Feed.MaxWaitingPerTenant = 2);
        using var alice = FeedApps.Client(app, "alice");
        using var bob = FeedApps.Client(app, "bob");
        var id = (await FeedApps.RegisterPollingAsync(alice))["id"]!.GetValue<string>();
        var bobs = (await FeedApps.RegisterPollingAsync(bob))["id"]!.GetValue<string>();
        var cursor = (await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id)))["nextCursor"]!.GetValue<string>();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var waits = app.Services.GetRequiredService<FeedWaits>();
        var waiting = new[] { first, second }.Select(c => alice.GetAsync(FeedApps.FeedPath(id, cursor, wait: 30), c.Token)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(waits.Waiting("alice") == 2), "both reads waiting");

        using var refused = await alice.GetAsync(FeedApps.FeedPath(id, cursor, wait: 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("2 feed reads waiting", (await ManagementApi.ReadAsync(refused))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(FeedApps.FeedPath(id, cursor, wait: 0))).StatusCode); // Not waiting.
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync(FeedApps.FeedPath(bobs, wait: 1))).StatusCode); // Another tenant.

        await first.CancelAsync(); // The client goes away: its read ends, and its place is free.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting[0]);
        await Eventually.HoldsAsync(() => Task.FromResult(waits.Waiting("alice") == 1), "the cancelled read ended");
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(FeedApps.FeedPath(id, cursor, wait: 1))).StatusCode);
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting[1]);
    }

    [Fact]
    public async Task PollingEndpoint_RefusesWhatNeedsAUrl_KeepsItsKind_AndItsTestEventIsInItsFeed()
    {
        await using var apps = new FeedApps(FeedApps.Sqlite);
        var app = await apps.StartAsync(o =>
        {
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
        });
        using var alice = FeedApps.Client(app, "alice");
        foreach (var (body, field) in new (object, string)[]
        {
            (new { polling = true, url = "http://127.0.0.1:9/hook" }, "url"),
            (new { polling = true, rateLimit = 5 }, "rateLimit"),
            (new { polling = true, ordering = "ordered" }, "ordering"),
            (new { description = "neither a URL nor polling" }, "url"),
        })
        {
            using var response = await alice.PostAsJsonAsync("/webhooks/endpoints", body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.NotNull((await ManagementApi.ReadAsync(response))["errors"]![field]);
        }

        var endpoint = await FeedApps.RegisterPollingAsync(alice, ["ping"]);
        var id = endpoint["id"]!.GetValue<string>();
        using (var toUrl = await alice.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { url = "http://127.0.0.1:9/hook" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, toUrl.StatusCode);
            Assert.Contains("stays one", (await ManagementApi.ReadAsync(toUrl))["errors"]!["polling"]![0]!.GetValue<string>());
        }

        using (var leftOut = await alice.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { description = "no polling: true" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, leftOut.StatusCode);
            Assert.NotNull((await ManagementApi.ReadAsync(leftOut))["errors"]!["polling"]);
        }

        using (var changed = await alice.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { polling = true, eventTypes = new[] { "pong" } }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // Its test event has no delivery: it is in its feed.
        using (var test = await alice.PostAsJsonAsync($"/webhooks/endpoints/{id}/test", new { eventType = "pong" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
            Assert.Empty((await ManagementApi.ReadAsync(test))["deliveries"]!.AsArray());
        }

        var messageId = Assert.Single((await FeedApps.ReadAsync(alice, id, null, 1)).Items)["id"]!.GetValue<string>();
        foreach (var (path, body) in new (string, object?)[]
        {
            ($"/webhooks/endpoints/{id}/messages/{messageId}/resend", null),
            ($"/webhooks/endpoints/{id}/messages/{messageId}/skip", null),
            ($"/webhooks/endpoints/{id}/recover", new { since = DateTimeOffset.UnixEpoch }),
        })
        {
            using var response = body is null ? await alice.PostAsync(path, null) : await alice.PostAsJsonAsync(path, body);
            var problem = await ManagementApi.ReadAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{path}: {(int)response.StatusCode} {problem}");
            Assert.Contains("is a polling endpoint", problem["errors"]!["endpointId"]![0]!.GetValue<string>());
        }

        // Rotated: the feed is signed with the new secret and, through the overlap, the old one.
        var old = endpoint["secret"]!.GetValue<string>();
        using var rotation = await alice.PostAsync($"/webhooks/endpoints/{id}/secret/rotate", null);
        var rotated = (await ManagementApi.ReadAsync(rotation))["secret"]!.GetValue<string>();
        var item = Assert.Single((await ManagementApi.GetAsync(alice, FeedApps.FeedPath(id)))["data"]!.AsArray())!;
        foreach (var secret in new[] { old, rotated })
        {
            var headers = item["headers"]!;
            Assert.Equal(
                WebhookVerificationResult.Verified,
                new WebhookVerifier(WebhookSecret.Parse(secret)).Verify(
                    headers["webhook-id"]!.GetValue<string>(),
                    headers["webhook-timestamp"]!.GetValue<string>(),
                    headers["webhook-signature"]!.GetValue<string>(),
                    Encoding.UTF8.GetBytes(item["body"]!.GetValue<string>())));
        }

        // Listed and counted like any endpoint.
        var listed = Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray())!;
        Assert.Equal((true, null), (listed["polling"]!.GetValue<bool>(), listed["url"]?.GetValue<string>()));
        var stats = Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/stats"))["data"]!.AsArray())!;
        Assert.Equal((id, 0), (stats["endpointId"]!.GetValue<string>(), stats["last24Hours"]!["succeeded"]!.GetValue<int>()));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Feed_ReadOffTheWire_VerifiesWithTheOfficialNpmLibrary()
    {
        await using var apps = new FeedApps(FeedApps.Sqlite);
        var app = await apps.StartAsync();
        using var alice = FeedApps.Client(app, "alice");
        var endpoint = await FeedApps.RegisterPollingAsync(alice);
        var publisher = app.Services.GetRequiredService<IWebhookPublisher>();
        // What JSON escapes, and what System.Text.Json escapes besides: the body read must be the bytes signed, to the byte.
        string[] texts = ["Zoë ✓ \"quoted\" \\ slash", "<tag> & 'apostrophe' +1", "tab\tnew\nline \u2028 \U0001F600"];
        foreach (var text in texts)
        {
            await publisher.PublishAsync("note", new FeedApps.Note(text), tenant: "alice");
        }

        var output = await NodeTool.RunAsync(
            "read-feed.mjs",
            new Uri(new Uri(app.Urls.Single()), FeedApps.FeedPath(endpoint["id"]!.GetValue<string>())).GetLeftPart(UriPartial.Path),
            "X-Tenant",
            "alice",
            endpoint["secret"]!.GetValue<string>(),
            texts.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var lines = output.Split('\n');
        Assert.Equal(texts.Length, lines.Length);
        Assert.Equal(texts, lines.Select(l => JsonNode.Parse(l.Split(' ', 3)[2])!["text"]!.GetValue<string>()));
    }
}
