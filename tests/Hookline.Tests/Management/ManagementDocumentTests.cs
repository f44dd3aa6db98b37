using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>The management API in the OpenAPI document, and its event types: schemas as documented, examples valid against them.</summary>
public sealed class ManagementDocumentTests
{
    [Fact]
    public async Task EveryOperation_IsTagged_WithRequestSchemasAndProblemResponses()
    {
        await using var sample = new SampleFactory();
        using var client = sample.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var operations = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/webhooks/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!)))
            .ToList();

        // With the dashboard's dashboard-links and dashboard-sessions; its own copy of the API is not documented.
        Assert.Equal(22, operations.Count);
        // An endpoint's public keys need no API key: no 401, and the set's schema.
        var keySet = document["paths"]!["/webhooks/endpoints/{endpointId}/jwks.json"]!["get"]!;
        Assert.Equal(["200", "400", "404", "422"], keySet["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.Equal(
            "#/components/schemas/WebhookJsonWebKeySetDocument",
            keySet["responses"]!["200"]!["content"]!["application/jwk-set+json"]!["schema"]!["$ref"]!.GetValue<string>());
        operations.RemoveAll(o => o.Path.EndsWith("/jwks.json", StringComparison.Ordinal));
        var revoke = document["paths"]!["/webhooks/dashboard-sessions"]!["delete"]!;
        Assert.Equal("End your dashboard sessions", revoke["summary"]!.GetValue<string>());
        Assert.Equal(["204", "401"], revoke["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.All(operations, o => Assert.Equal(["Webhook management"], o.Operation["tags"]!.AsArray().Select(t => t!.GetValue<string>())));
        Assert.All(operations, o => Assert.Equal("#/components/schemas/ProblemDetails", o.Operation["responses"]!["401"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>()));
        var withBodies = operations.Where(o => o.Operation["requestBody"] is not null).Select(o => $"{o.Method} {o.Path} {o.Operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]}");
        Assert.Equal(
            [
                "post /webhooks/dashboard-links #/components/schemas/WebhookDashboardLinkRequest",
                "post /webhooks/endpoints #/components/schemas/WebhookEndpointRequest",
                "post /webhooks/endpoints/{endpointId}/recover #/components/schemas/WebhookRecoverRequest",
                "post /webhooks/endpoints/{endpointId}/secret/rotate #/components/schemas/WebhookSecretRotationRequest",
                "post /webhooks/endpoints/{endpointId}/test #/components/schemas/WebhookTestRequest",
                "put /webhooks/endpoints/{endpointId} #/components/schemas/WebhookEndpointRequest",
            ],
            withBodies.Order(StringComparer.Ordinal));
        var create = document["paths"]!["/webhooks/endpoints"]!["post"]!["responses"]!;
        Assert.Equal(["201", "400", "401", "409", "413", "415", "422"], create.AsObject().Select(r => r.Key).Order());
        Assert.Equal("#/components/schemas/ProblemDetails", create["409"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Contains("You may have 100 endpoints at most", document["paths"]!["/webhooks/endpoints"]!["post"]!["description"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", create["422"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        // A URL, but for a polling endpoint: the API says which is missing (422), not the schema.
        Assert.Empty(document["components"]!["schemas"]!["WebhookEndpointRequest"]!["required"]?.AsArray() ?? []);

        // Lists page with a whole number, and the API's numbers are plain JSON numbers (it reads no "5" for 5).
        var limits = operations.SelectMany(o => o.Operation["parameters"]?.AsArray() ?? []).Where(p => p!["name"]!.GetValue<string>() == "limit").ToList();
        Assert.Equal(4, limits.Count);
        Assert.All(limits, l => Assert.Equal(("integer", 1, 100), (l!["schema"]!["type"]!.GetValue<string>(), l["schema"]!["minimum"]!.GetValue<int>(), l["schema"]!["maximum"]!.GetValue<int>())));
        // A message is found by its id (the webhook-id its endpoint received), with the other filters.
        var listMessages = document["paths"]!["/webhooks/messages"]!["get"]!;
        Assert.Equal(
            ["cursor", "endpointId", "eventType", "limit", "messageId", "since", "status", "until"],
            listMessages["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains("Find one by `messageId`", listMessages["description"]!.GetValue<string>());
        var components = document["components"]!["schemas"]!;
        Assert.Equal("""["null","integer"]""", components["WebhookEndpointRequest"]!["properties"]!["rateLimit"]!["type"]!.ToJsonString());
        Assert.Equal("\"integer\"", components["WebhookEndpointResponse"]!["properties"]!["version"]!["type"]!.ToJsonString());
        Assert.DoesNotContain("\"pattern\"", components["WebhookEndpointResponse"]!.ToJsonString(), StringComparison.Ordinal);
        // So is a problem's status, which ASP.NET Core writes as a number: a client generated from "integer or string" would
        // handle strings that never come.
        Assert.All(
            ["ProblemDetails", "HttpValidationProblemDetails"],
            problem => Assert.Equal(
                """{"type":["null","integer"],"format":"int32"}""", components[problem]!["properties"]!["status"]!.ToJsonString()));

        // The costly calls, limited per tenant, and the feed's waiting reads: 429 with Retry-After.
        var limited = operations.Where(o => o.Operation["responses"]!["429"] is not null).ToList();
        Assert.Equal(
            [
                "get /webhooks/endpoints/{endpointId}/feed",
                "post /webhooks/endpoints/{endpointId}/messages/{messageId}/resend",
                "post /webhooks/endpoints/{endpointId}/recover",
                "post /webhooks/endpoints/{endpointId}/test",
            ],
            limited.Select(o => $"{o.Method} {o.Path}").Order(StringComparer.Ordinal));
        Assert.All(limited, o =>
        {
            var tooMany = o.Operation["responses"]!["429"]!;
            Assert.Equal("#/components/schemas/ProblemDetails", tooMany["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            Assert.Equal("integer", tooMany["headers"]!["Retry-After"]!["schema"]!["type"]!.GetValue<string>());
            Assert.Contains(
                o.Method == "get" ? "You may have 10 reads waiting at once" : "share a limit of 60 a minute (20 at once) per tenant",
                o.Operation["description"]!.GetValue<string>());
        });

        // Changes under If-Match document 412 (and 409: overtaken by others, or the secret limit).
        var conditional = operations.Where(o => o.Operation["responses"]!["412"] is not null).Select(o => $"{o.Method} {o.Path}");
        Assert.Equal(
            [
                "delete /webhooks/endpoints/{endpointId}",
                "post /webhooks/endpoints/{endpointId}/disable",
                "post /webhooks/endpoints/{endpointId}/enable",
                "post /webhooks/endpoints/{endpointId}/secret/rotate",
                "put /webhooks/endpoints/{endpointId}",
            ],
            conditional.Order(StringComparer.Ordinal));
        Assert.All(operations.Where(o => o.Operation["responses"]!["412"] is not null), o => Assert.NotNull(o.Operation["responses"]!["409"]));
        Assert.NotNull(document["paths"]!["/webhooks/endpoints"]!["get"]!["responses"]!["400"]);
        Assert.Contains("version", document["components"]!["schemas"]!["WebhookEndpointResponse"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Ordered delivery: the endpoint's ordering, documented with its values; skipping a blocked delivery, not a costly call.
        var schemas = document["components"]!["schemas"]!;
        foreach (var endpointSchema in new[] { "WebhookEndpointRequest", "WebhookEndpointResponse" })
        {
            var ordering = schemas[endpointSchema]!["properties"]!["ordering"]!;
            Assert.Contains("string", ordering["type"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.All(
                ["`none`", "`ordered`", "`orderedSkipFailures`", "`blocked`"],
                value => Assert.Contains(value, ordering["description"]!.GetValue<string>(), StringComparison.Ordinal));
        }

        Assert.Contains("ordering", schemas["WebhookEndpointResponse"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.DoesNotContain(
            "ordering", schemas["WebhookEndpointRequest"]!["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? []);
        Assert.Contains("`blocked`", schemas["WebhookDeliveryResponse"]!["properties"]!["status"]!["description"]!.GetValue<string>());
        var skip = document["paths"]!["/webhooks/endpoints/{endpointId}/messages/{messageId}/skip"]!["post"]!;
        Assert.Equal("Skip a blocked delivery", skip["summary"]!.GetValue<string>());
        Assert.Equal("SkipWebhookMessage", skip["operationId"]!.GetValue<string>());
        Assert.Equal(["200", "400", "401", "404", "409", "422"], skip["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.Equal(
            "#/components/schemas/WebhookMessageResponse",
            skip["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(
            "#/components/schemas/HttpValidationProblemDetails",
            skip["responses"]!["409"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Contains("only a blocked delivery can be skipped", skip["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("blocked", document["paths"]!["/webhooks/messages"]!["get"]!["description"]!.GetValue<string>());

        // The stats: one optional parameter, a documented answer down to each count's UTC date-time, and the id problems.
        var stats = document["paths"]!["/webhooks/stats"]!["get"]!;
        Assert.Equal(["endpointId"], stats["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(["200", "400", "401", "404", "422"], stats["responses"]!.AsObject().Select(r => r.Key).Order());
        var answer = stats["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var page = schemas[answer.Split('/')[^1]]!;
        Assert.Equal("#/components/schemas/WebhookEndpointStats", page["properties"]!["data"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(
            ["daily", "endpointId", "hourly", "last24Hours"],
            schemas["WebhookEndpointStats"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("date-time", schemas["WebhookAttemptCount"]!["properties"]!["start"]!["format"]!.GetValue<string>());
        var lastSuccess = schemas["WebhookEndpointStats"]!["properties"]!["lastSuccessAt"]!;
        Assert.Equal("date-time", lastSuccess["format"]!.GetValue<string>());
        Assert.Contains("latest successful attempt", lastSuccess["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("`lastSuccessAt`", stats["description"]!.GetValue<string>(), StringComparison.Ordinal);

        // A polling endpoint's feed: a cursor, a page size and a wait of whole seconds; its page's items carry the body as text
        // and the three headers under their own names.
        var feed = document["paths"]!["/webhooks/endpoints/{endpointId}/feed"]!["get"]!;
        Assert.Equal("ReadWebhookFeed", feed["operationId"]!.GetValue<string>());
        Assert.Equal("Read a polling endpoint's feed", feed["summary"]!.GetValue<string>());
        Assert.Equal(
            ["cursor", "endpointId", "limit", "wait"],
            feed["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var wait = feed["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "wait")!["schema"]!;
        Assert.Equal(
            ("integer", 0, 30), (wait["type"]!.GetValue<string>(), wait["minimum"]!.GetValue<int>(), wait["maximum"]!.GetValue<int>()));
        Assert.Equal(["200", "400", "401", "404", "409", "422", "429"], feed["responses"]!.AsObject().Select(r => r.Key).Order());
        var feedPageRef = feed["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var feedPage = schemas[feedPageRef.Split('/')[^1]]!;
        Assert.Equal("#/components/schemas/WebhookFeedItem", feedPage["properties"]!["data"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(
            ["body", "createdAt", "cursor", "eventType", "headers", "id", "method"],
            schemas["WebhookFeedItem"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("string", schemas["WebhookFeedItem"]!["properties"]!["body"]!["type"]!.GetValue<string>());
        Assert.Equal(
            ["webhook-id", "webhook-signature", "webhook-timestamp"],
            schemas["WebhookFeedHeaders"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains("never skipped", feed["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("polling", schemas["WebhookEndpointResponse"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Any JSON value, null included, is a plain reference to the empty schema: not a oneOf that a null matches twice.
        Assert.Equal("{}", schemas["JsonNode"]!.ToJsonString());
        var example = schemas["WebhookEventType"]!["properties"]!["example"]!;
        Assert.Equal(("#/components/schemas/JsonNode", null), (example["$ref"]?.GetValue<string>(), example["oneOf"]));
        Assert.Contains("what a test event sends", example["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task EventTypes_ServeTheDocumentedSchema_WithAnExampleValidAgainstIt()
    {
        await using var app = await StartAsync(builder => builder.Services.AddOpenApi());
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var document = await client.GetStringAsync("/openapi/v1.json");

        var types = (await ManagementApi.GetAsync(client, "/hooks/event-types"))["data"]!.AsArray();

        Assert.Equal(["order.created", "tree.grown", "rich.thing"], types.Select(t => t!["name"]!.GetValue<string>()));
        foreach (var type in types)
        {
            var name = type!["name"]!.GetValue<string>();
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", type["schema"]!["$schema"]!.GetValue<string>());
            await OpenApiValidator.AssertBodiesMatchAsync(document, name, type["method"]!.GetValue<string>(), [type["example"]!.ToJsonString()]);
        }
    }

    [Fact]
    public async Task MapWebhookManagement_WithoutOpenApi_FailsAtStartup_NamingIt()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(_ => { }));

        Assert.Contains("AddOpenApi", error.Message);
    }

    [Fact]
    public async Task MapWebhookManagement_WithoutAStore_FailsAtStartup_NamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddOpenApi();
        builder.Services.AddWebhooks();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapWebhookManagement("/hooks"));

        Assert.Contains("UseSqlite", error.Message);
    }

    private static async Task<TestApp> StartAsync(Action<WebApplicationBuilder> configure)
    {
        var file = SqliteTestFiles.NewPath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddWebhooks(o => o.Management.TenantResolver = _ => ValueTask.FromResult<string?>("tenant"))
            .UseSqlite($"Data Source={file}");
        configure(builder);
        var app = builder.Build();
        app.Webhooks.MapPost<Order>("order.created");
        app.Webhooks.MapPut<Tree>("tree.grown");
        app.Webhooks.MapPost<Rich>("rich.thing");
        try
        {
            app.MapOpenApi();
            app.MapWebhookManagement("/hooks");
            await app.StartAsync();
            return new TestApp(app, file);
        }
        catch
        {
            await app.DisposeAsync();
            SqliteTestFiles.Delete(file);
            throw;
        }
    }

    private sealed class TestApp(WebApplication app, string file) : IAsyncDisposable
    {
        public ICollection<string> Urls => app.Urls;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteTestFiles.Delete(file);
        }
    }

    private enum Color
    {
        Red,
        Green,
    }

    private sealed record Order(Guid Id, decimal Total, IReadOnlyList<Line> Lines, DateTimeOffset PlacedAt, string? Note);

    private sealed record Line(string Sku, int Quantity, double Weight);

    private sealed record Tree(string Name, IReadOnlyList<Tree> Children, Tree? Parent);

    private sealed record Rich(
        DateOnly Day,
        TimeOnly At,
        TimeSpan Took,
        Color Color,
        Dictionary<string, int> Counts,
        long Big,
        float Ratio,
        bool Flag,
        Uri Link,
        char Letter,
        byte[] Data,
        int[] Numbers,
        Line? Optional);
}
