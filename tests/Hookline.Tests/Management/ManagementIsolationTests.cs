using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>Tenants of the sample (API keys alice and bob) never see, change or receive each other's data.</summary>
public sealed class ManagementIsolationTests
{
    [Fact]
    public async Task EveryRoute_AnotherTenantsIds_AreNotFound_AndChangeNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();
        await ManagementApi.SubscribeAsync(alice, "rick");
        var message = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "alice's attempt"))!["messageId"]!.GetValue<string>();
        var before = await StateAsync(alice);

        (HttpMethod Method, string Path, object? Body, string Field)[] probes =
        [
            (HttpMethod.Get, $"/webhooks/endpoints/{endpoint}", null, "endpointId"),
            (HttpMethod.Put, $"/webhooks/endpoints/{endpoint}", new { url = "http://127.0.0.1:9/bob" }, "endpointId"),
            (HttpMethod.Delete, $"/webhooks/endpoints/{endpoint}", null, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/enable", null, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/disable", null, "endpointId"),
            (HttpMethod.Get, $"/webhooks/endpoints/{endpoint}/secret", null, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/secret/rotate", null, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/test", new { eventType = "new-subscription" }, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/recover", new { since = "2020-01-01T00:00:00Z" }, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/messages/{message}/resend", null, "endpointId"),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/messages/{message}/skip", null, "endpointId"),
            (HttpMethod.Get, $"/webhooks/messages/{message}", null, "messageId"),
            (HttpMethod.Get, $"/webhooks/messages?endpointId={endpoint}", null, "endpointId"),
            (HttpMethod.Get, $"/webhooks/attempts?endpointId={endpoint}", null, "endpointId"),
            (HttpMethod.Get, $"/webhooks/attempts?messageId={message}", null, "messageId"),
            (HttpMethod.Get, $"/webhooks/stats?endpointId={endpoint}", null, "endpointId"),
        ];
        foreach (var (method, path, body, field) in probes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await bob.SendAsync(request);
            var problem = await ManagementApi.ReadAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {problem.ToJsonString()}");
            Assert.NotNull(problem["errors"]?[field]);
        }

        // With If-Match holding the ETag alice's endpoint really has: still not found, nothing changed.
        (HttpMethod Method, string Path, object? Body)[] changes =
        [
            (HttpMethod.Put, $"/webhooks/endpoints/{endpoint}", new { url = "http://127.0.0.1:9/bob" }),
            (HttpMethod.Delete, $"/webhooks/endpoints/{endpoint}", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/enable", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/disable", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{endpoint}/secret/rotate", null),
        ];
        var etag = (await alice.GetAsync($"/webhooks/endpoints/{endpoint}")).Headers.ETag!.ToString();
        foreach (var (method, path, body) in changes)
        {
            foreach (var ifMatch in new[] { etag, "*" })
            {
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
                using var response = await bob.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} If-Match {ifMatch}: {(int)response.StatusCode}");
                Assert.NotNull((await ManagementApi.ReadAsync(response))["errors"]?["endpointId"]);
            }
        }

        // Bob's own resend or skip of alice's message to his own endpoint: the message is not his.
        var bobs = (await ManagementApi.RegisterAsync(bob, receiver.Url))["id"]!.GetValue<string>();
        foreach (var action in new[] { "resend", "skip" })
        {
            using var refused = await bob.PostAsync($"/webhooks/endpoints/{bobs}/messages/{message}/{action}", null);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.NotNull((await ManagementApi.ReadAsync(refused))["errors"]?["messageId"]);
        }

        Assert.Equal([bobs], (await ManagementApi.GetAsync(bob, "/webhooks/endpoints"))["data"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        Assert.Empty((await ManagementApi.GetAsync(bob, "/webhooks/messages"))["data"]!.AsArray());
        Assert.Empty((await ManagementApi.GetAsync(bob, "/webhooks/attempts"))["data"]!.AsArray());
        await sample.NothingPendingAsync(); // A test event or resend bob got through would have arrived by now.
        Assert.Equal(before, await StateAsync(alice));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Publishing_ReachesOnlyTheTenantsOwnEndpoints_SignedWithTheirOwnSecrets()
    {
        await using var aliceReceiver = await TestReceiver.StartAsync();
        await using var bobReceiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var aliceSecret = (await ManagementApi.RegisterAsync(alice, aliceReceiver.Url))["secret"]!.GetValue<string>();
        var bobSecret = (await ManagementApi.RegisterAsync(bob, bobReceiver.Url))["secret"]!.GetValue<string>();

        await ManagementApi.SubscribeAsync(alice, "alice-user");
        await ManagementApi.SubscribeAsync(bob, "bob-user");
        await ManagementApi.SubscribeAsync(bob, "bob-user-2");

        await Eventually.HoldsAsync(() => Task.FromResult(aliceReceiver.Requests.Count == 1 && bobReceiver.Requests.Count == 2), "each tenant's deliveries");
        await sample.NothingPendingAsync(); // Any delivery to the other tenant's endpoint has arrived by now too.
        Assert.Equal(["alice-user"], aliceReceiver.Requests.Select(Username));
        Assert.Equal(["bob-user", "bob-user-2"], bobReceiver.Requests.Select(Username).Order());
        Assert.All(aliceReceiver.Requests, r => Assert.Equal(Signature(r, aliceSecret), r.Headers["webhook-signature"]));
        Assert.All(bobReceiver.Requests, r => Assert.Equal(Signature(r, bobSecret), r.Headers["webhook-signature"]));
        Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray());
        Assert.Equal(2, (await ManagementApi.GetAsync(bob, "/webhooks/messages"))["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task EveryRoute_WithoutAKey_IsUnauthorized()
    {
        await using var sample = SampleFactory.Development();
        using var anonymous = sample.Client(null);
        using var wrong = sample.Client("not-a-key");
        var sources = sample.Services.GetRequiredService<EndpointDataSource>();
        var routes = sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/webhooks", StringComparison.Ordinal) == true)
            .Where(e => !IsPublic(e.RoutePattern.RawText!))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Path: Path(e.RoutePattern.RawText!))))
            .ToList();

        // The management API's 19 routes, dashboard-links and dashboard-sessions, and the dashboard's copy of the 19 with its
        // session route.
        Assert.Equal(41, routes.Count);
        foreach (var client in new[] { anonymous, wrong })
        {
            foreach (var (method, path) in routes)
            {
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    /// <summary>
    /// The dashboard's page, files, link pages and sign-out, and an endpoint's public keys: public, they show no tenant's data
    /// (ManagementSignatureSchemesTests reads the keys without a key).
    /// </summary>
    private static bool IsPublic(string pattern) =>
        (pattern.StartsWith("/webhooks/dashboard/", StringComparison.Ordinal)
         && !pattern.StartsWith("/webhooks/dashboard/api/", StringComparison.Ordinal))
        || pattern.EndsWith("/jwks.json", StringComparison.Ordinal);

    private static string Path(string pattern) =>
        pattern.Replace("{endpointId}", "ep_01M850S30WTYNBNKC0YYW92ZRX", StringComparison.Ordinal).Replace("{messageId}", "msg_01M850S30WTYNBNKC0YYW92ZRX", StringComparison.Ordinal).TrimEnd('/');

    private static string Username(ReceivedRequest request) => JsonNode.Parse(request.Body)!["username"]!.GetValue<string>();

    private static string Signature(ReceivedRequest request, string secret) =>
        WebhookSigner.Sign(WebhookSecret.Parse(secret), request.Headers["webhook-id"], long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture), request.Body);

    /// <summary>Everything a tenant can read, to compare before and after.</summary>
    internal static async Task<string> StateAsync(HttpClient client)
    {
        var endpoints = (await ManagementApi.GetAsync(client, "/webhooks/endpoints"))["data"]!.AsArray();
        var secrets = new List<string>();
        foreach (var endpoint in endpoints)
        {
            secrets.Add((await ManagementApi.GetAsync(client, $"/webhooks/endpoints/{endpoint!["id"]}/secret")).ToJsonString());
        }

        return string.Join(
            "\n",
            endpoints.ToJsonString(),
            string.Join(",", secrets),
            (await ManagementApi.GetAsync(client, "/webhooks/messages")).ToJsonString(),
            (await ManagementApi.GetAsync(client, "/webhooks/attempts")).ToJsonString());
    }
}
