using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace Hookline.Tests.OpenApi;

public class WebhookDocumentTests
{
    [Fact]
    public async Task Document_Webhook_IsPathItemKeyedByNameWithRequiredJsonBody()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping"));

        var webhooks = document["webhooks"]!.AsObject();
        Assert.Equal(["ping"], webhooks.Select(w => w.Key));
        var body = webhooks["ping"]!["post"]!["requestBody"]!;
        Assert.True(body["required"]!.GetValue<bool>());
        Assert.Equal("#/components/schemas/Ping", body["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Null(document["paths"]!["ping"]);
    }

    [Theory]
    [InlineData(OpenApiSpecVersion.OpenApi3_1, "webhooks")]
    [InlineData(OpenApiSpecVersion.OpenApi3_0, "x-webhooks")]
    public async Task Document_WebhookOperation_HasAnEmptySecurityRequirement_WhateverTheDocumentRequires(OpenApiSpecVersion version, string section)
    {
        var document = await TestApp.GetDocumentAsync(
            app => app.Webhooks.MapPost<Ping>("ping"),
            services => services.AddOpenApi(o =>
            {
                o.OpenApiVersion = version;
                o.AddDocumentTransformer((document, _, _) =>
                {
                    document.Components ??= new();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes["key"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Key" };
                    document.Security = [new() { [new OpenApiSecuritySchemeReference("key", document)] = [] }];
                    return Task.CompletedTask;
                });
            }));

        Assert.NotEmpty(document["security"]!.AsArray());
        Assert.Empty(Assert.IsType<JsonArray>(document[section]!["ping"]!["post"]!["security"]));
    }

    [Fact]
    public async Task Document_EveryMethodDeclaration_IsAnOperationOfOnePathItem()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            app.Webhooks.MapPost<Invoice>("invoice");
            app.Webhooks.MapPut<Invoice>("invoice");
            app.Webhooks.MapPatch<Invoice>("invoice");
            app.Webhooks.MapDelete<Invoice>("invoice");
            app.Webhooks.MapGet<Invoice>("invoice");
            app.Webhooks.MapMethods<Ping>("ping", ["HEAD", "OPTIONS"]);
        });

        Assert.Equal(["delete", "get", "patch", "post", "put"], OperationsOf(document, "invoice").Select(o => o.Key).Order());
        Assert.Equal(["head", "options"], OperationsOf(document, "ping").Select(o => o.Key).Order());
    }

    [Fact]
    public async Task Document_Defaults_SummaryAndOperationIdFromName()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("new-subscription"));

        var operation = document["webhooks"]!["new-subscription"]!["post"]!;
        Assert.Equal("New Subscription", operation["summary"]!.GetValue<string>());
        Assert.Equal("newSubscriptionPost", operation["operationId"]!.GetValue<string>());
        Assert.Null(operation["deprecated"]);
        // Untagged webhooks are grouped under one title, described in the document's tags.
        Assert.Equal(["Webhooks"], operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var tag = Assert.Single(document["tags"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "Webhooks")!;
        Assert.Equal("The requests this API sends to the URLs you register.", tag["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_Conventions_AppearOnTheOperation()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping")
            .WithSummary("Liveness ping")
            .WithDescription("Sent every minute.")
            .WithTags("Health", "Ops")
            .WithName("sendPing")
            .Deprecated());

        var operation = document["webhooks"]!["ping"]!["post"]!;
        Assert.Equal("Liveness ping", operation["summary"]!.GetValue<string>());
        Assert.Equal("Sent every minute.", operation["description"]!.GetValue<string>());
        Assert.Equal(["Health", "Ops"], operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("sendPing", operation["operationId"]!.GetValue<string>());
        Assert.True(operation["deprecated"]!.GetValue<bool>());
        Assert.Contains("Health", document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Document_DelegateAttributes_BecomeConventions()
    {
        var document = await TestApp.GetDocumentAsync(app =>
            app.Webhooks.MapPost("ping", [EndpointSummary("From the attribute"), Tags("Attr"), Obsolete] (Ping body) => { }));

        var operation = document["webhooks"]!["ping"]!["post"]!;
        Assert.Equal("From the attribute", operation["summary"]!.GetValue<string>());
        Assert.Equal(["Attr"], operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(operation["deprecated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Document_Group_SharesConventionsWithItsWebhooks()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            var billing = app.Webhooks.MapGroup().WithTags("Billing").Deprecated();
            billing.MapPost<Invoice>("invoice.paid");
            billing.MapPost<Invoice>("invoice.voided").WithTags("Voids");
            app.Webhooks.MapPost<Ping>("ping");
        });

        Assert.Equal(["Billing"], TagsOf(document, "invoice.paid"));
        Assert.Equal(["Billing", "Voids"], TagsOf(document, "invoice.voided"));
        Assert.True(document["webhooks"]!["invoice.paid"]!["post"]!["deprecated"]!.GetValue<bool>());
        Assert.Equal(["Webhooks"], TagsOf(document, "ping"));
    }

    [Fact]
    public async Task Document_ExcludeFromDescription_LeavesWebhookOut()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            app.Webhooks.MapPost<Ping>("ping");
            app.Webhooks.MapPost<Ping>("internal").ExcludeFromDescription();
        });

        Assert.Equal(["ping"], document["webhooks"]!.AsObject().Select(w => w.Key));
    }

    [Fact]
    public async Task Document_NoWebhooks_HasNoWebhooksField()
    {
        var document = await TestApp.GetDocumentAsync(app => app.MapGet("/users", () => "Rick"));

        Assert.Null(document["webhooks"]);
    }

    [Fact]
    public async Task Document_WithGroupName_SelectsTheDocument()
    {
        await using var app = await TestApp.StartAsync(
            app =>
            {
                app.Webhooks.MapPost<Ping>("everywhere");
                app.Webhooks.MapPost<Ping>("v2-only").WithGroupName("v2");
                app.Webhooks.MapGroup().WithGroupName("v1").MapPost<Ping>("v1-only");
            },
            services =>
            {
                services.AddOpenApi("v1");
                services.AddOpenApi("v2");
            });

        Assert.Equal(["everywhere", "v1-only"], (await app.GetDocumentAsync("v1"))["webhooks"]!.AsObject().Select(w => w.Key));
        Assert.Equal(["everywhere", "v2-only"], (await app.GetDocumentAsync("v2"))["webhooks"]!.AsObject().Select(w => w.Key));
    }

    [Fact]
    public async Task Document_CustomShouldInclude_AppliesToWebhooks()
    {
        var document = await TestApp.GetDocumentAsync(
            app =>
            {
                app.Webhooks.MapPost<Ping>("public");
                app.Webhooks.MapPost<Ping>("partner").WithTags("Partner");
            },
            services => services.AddOpenApi(o => o.ShouldInclude = d =>
                !d.ActionDescriptor.EndpointMetadata.OfType<ITagsMetadata>().Any(t => t.Tags.Contains("Partner"))));

        Assert.Equal(["public"], document["webhooks"]!.AsObject().Select(w => w.Key));
    }

    [Fact]
    public async Task Document_Operation_DocumentsStandardWebhookHeaders()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping"));

        var parameters = document["webhooks"]!["ping"]!["post"]!["parameters"]!.AsArray().Select(p => p!["$ref"]!.GetValue<string>());
        Assert.Equal(["#/components/parameters/webhook-id", "#/components/parameters/webhook-timestamp", "#/components/parameters/webhook-signature"], parameters);
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            var header = document["components"]!["parameters"]![name]!;
            Assert.Equal(name, header["name"]!.GetValue<string>());
            Assert.Equal("header", header["in"]!.GetValue<string>());
            Assert.True(header["required"]!.GetValue<bool>());
        }

        Assert.Equal("integer", document["components"]!["parameters"]!["webhook-timestamp"]!["schema"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_DefaultResponses_AnyTwoHundredAcknowledgesAndTheRestIsRetried()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping"));

        var responses = document["webhooks"]!["ping"]!["post"]!["responses"]!.AsObject();
        Assert.Equal(["2XX", "default"], responses.Select(r => r.Key));
        Assert.Contains("acknowledges", responses["2XX"]!["description"]!.GetValue<string>());
        Assert.Contains("retried", responses["default"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_Produces_DocumentsTheReceiversResponses()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping")
            .Produces(204, description: "Processed")
            .Produces(200, typeof(Address)));

        var responses = document["webhooks"]!["ping"]!["post"]!["responses"]!.AsObject();
        Assert.Equal(["204", "200", "default"], responses.Select(r => r.Key));
        Assert.Equal("Processed", responses["204"]!["description"]!.GetValue<string>());
        Assert.Null(responses["204"]!["content"]);
        Assert.Equal("OK", responses["200"]!["description"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Address", responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_DefaultOperationIdTaken_GetsANumber()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            app.MapGet("/ping", () => "pong").WithName("pingPost");
            app.Webhooks.MapPost<Ping>("ping");
        });

        Assert.Equal("pingPost", document["paths"]!["/ping"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("pingPost2", document["webhooks"]!["ping"]!["post"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_ExplicitOperationIdTakenByEndpoint_FailsNamingBoth()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapGet("/users", () => "Rick").WithName("listUsers");
            app.Webhooks.MapPost<Ping>("ping").WithName("listUsers");
        });

        var response = await app.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("Webhook 'ping' (POST) uses the operation id 'listUsers' (WithName), which an endpoint in OpenAPI document 'v1' already uses", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Document_OpenApi30_PutsWebhooksUnderXWebhooks()
    {
        var document = await TestApp.GetDocumentAsync(
            app => app.Webhooks.MapPost<Ping>("ping").WithSummary("Ping"),
            services => services.AddOpenApi(o => o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0));

        Assert.StartsWith("3.0", document["openapi"]!.GetValue<string>());
        Assert.Null(document["webhooks"]);
        var operation = document["x-webhooks"]!["ping"]!["post"]!;
        Assert.Equal("Ping", operation["summary"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Ping", operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["Ping"]);
    }

    [Fact]
    public async Task Document_WebhookDeclaredAtRegistration_Appears()
    {
        var document = await TestApp.GetDocumentAsync(
            app => { },
            services =>
            {
                services.AddOpenApi();
                services.AddWebhooks().Webhooks.MapPost<Invoice>("invoice.paid").WithSummary("Paid");
            });

        Assert.Equal("Paid", document["webhooks"]!["invoice.paid"]!["post"]!["summary"]!.GetValue<string>());
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> OperationsOf(JsonNode document, string webhook) =>
        document["webhooks"]![webhook]!.AsObject();

    private static List<string> TagsOf(JsonNode document, string webhook) =>
        document["webhooks"]![webhook]!["post"]!["tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
}
