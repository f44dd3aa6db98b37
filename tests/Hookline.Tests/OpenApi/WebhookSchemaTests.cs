using System.Text.Json.Nodes;

namespace Hookline.Tests.OpenApi;

public class WebhookSchemaTests
{
    [Fact]
    public async Task Schema_Numbers_AreDescribedAsTheSenderWritesThem()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Invoice>("invoice.paid"));

        var properties = Component(document, "Invoice")["properties"]!;
        Assert.Equal("number", properties["amount"]!["type"]!.GetValue<string>());
        Assert.Equal("number", properties["rate"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", properties["lines"]!["type"]!.GetValue<string>());
        Assert.Equal(["integer", "null"], properties["cents"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Equal("number", Component(document, "LineItem")["properties"]!["price"]!["type"]!.GetValue<string>());
        foreach (var name in new[] { "amount", "rate", "lines", "cents" })
        {
            Assert.Null(properties[name]!["pattern"]);
        }
    }

    [Fact]
    public async Task Schema_EndpointOnlyType_KeepsAspNetCoresInboundShape()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            app.MapPost("/pings", (Ping ping) => ping.Sequence);
            app.Webhooks.MapPost<Invoice>("invoice.paid");
        });

        var sequence = Component(document, "Ping")["properties"]!["sequence"]!;
        Assert.Equal(["integer", "string"], sequence["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.NotNull(sequence["pattern"]);
    }

    [Fact]
    public async Task Schema_PropertyWrittenAsString_KeepsTheStringForm()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<PriceAsString>("price"));

        var properties = Component(document, "PriceAsString")["properties"]!;
        Assert.Contains("string", properties["price"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("number", properties["plain"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_NestedTypes_AreComponentReferences()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Invoice>("invoice.paid"));

        var invoice = Component(document, "Invoice")["properties"]!;
        Assert.Equal("#/components/schemas/Customer", invoice["customer"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/LineItem", invoice["items"]!["items"]!["$ref"]!.GetValue<string>());
        var address = Component(document, "Customer")["properties"]!["address"]!;
        Assert.Contains(address["oneOf"]!.AsArray(), s => s!["$ref"]?.GetValue<string>() == "#/components/schemas/Address");
        Assert.Equal(["Address", "Customer", "Invoice", "LineItem"], document["components"]!["schemas"]!.AsObject().Select(s => s.Key).Order());
    }

    [Fact]
    public async Task Schema_RecursiveType_IsOneSelfReferencingComponent()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<TreeNode>("tree"));

        var properties = Component(document, "TreeNode")["properties"]!;
        Assert.Equal("#/components/schemas/TreeNode", properties["children"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Contains("#/components/schemas/TreeNode", properties["next"]!.ToJsonString());
        Assert.Equal(["TreeNode"], document["components"]!["schemas"]!.AsObject().Select(s => s.Key));
    }

    [Fact]
    public async Task Schema_TypeSharedWithEndpoint_IsOneComponent()
    {
        var document = await TestApp.GetDocumentAsync(app =>
        {
            app.MapPost("/invoices", (Invoice invoice) => invoice.Id);
            app.Webhooks.MapPost<Invoice>("invoice.paid");
        });

        var endpointSchema = document["paths"]!["/invoices"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var webhookSchema = document["webhooks"]!["invoice.paid"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/Invoice", endpointSchema["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Invoice", webhookSchema["$ref"]!.GetValue<string>());
        Assert.Equal(["Address", "Customer", "Invoice", "LineItem"], document["components"]!["schemas"]!.AsObject().Select(s => s.Key).Order());
        Assert.Equal("number", Component(document, "Invoice")["properties"]!["amount"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_SameTypeAsEndpointOrWebhook_YieldsTheSameComponents()
    {
        var asEndpoint = await TestApp.GetDocumentAsync(app => app.MapPost("/accounts", (Account account) => account.Owner));
        var asWebhook = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Account>("account.opened"));

        var expected = asEndpoint["components"]!["schemas"]!;
        var actual = asWebhook["components"]!["schemas"]!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"endpoint:\n{expected}\nwebhook:\n{actual}");
    }

    [Fact]
    public async Task Schema_DescriptionAttributes_DescribeTypeAndProperties()
    {
        var document = await TestApp.GetDocumentAsync(app => app.Webhooks.MapPost<Ping>("ping"));

        var ping = Component(document, "Ping");
        Assert.Equal("A ping sent to check the endpoint is alive.", ping["description"]!.GetValue<string>());
        Assert.Equal("Sequence number.", ping["properties"]!["sequence"]!["description"]!.GetValue<string>());
    }

    private static JsonNode Component(JsonNode document, string name) =>
        document["components"]!["schemas"]![name] ?? throw new Xunit.Sdk.XunitException($"No component '{name}' in {document["components"]}");
}
