using Hookline.Cli.Generating;

namespace Hookline.Cli.Tests.Generating;

/// <summary>What the generator decides and writes, from the fixtures, without the command line.</summary>
public sealed class ReceiverGeneratorTests
{
    [Fact]
    public void Build_FastApiTutorial_MapsTheSubscriptionWebhookAndSchema()
    {
        var model = ReceiverModelBuilder.Build(Fixtures.Load(Fixtures.FastApiPath));

        Assert.Equal("FastAPI", model.Name);
        var webhook = Assert.Single(model.Webhooks);
        Assert.Equal(
            ("new-subscription", "NewSubscription", "Subscription", "New Subscription"),
            (webhook.Name, webhook.MethodName, webhook.PayloadType, webhook.Summary));
        // Only what the webhooks reach: FastAPI's validation error schemas are for its paths' answers.
        var subscription = Assert.IsType<RecordModel>(Assert.Single(model.Types));
        Assert.Equal(
            [
                new("username", "Username", "string", true, "Username"),
                new("monthly_fee", "MonthlyFee", "double", true, "Monthly Fee"),
                new("start_date", "StartDate", "global::System.DateTimeOffset", true, "Start Date"),
            ],
            subscription.Properties);
    }

    [Fact]
    public void Build_OpenApi30XWebhooks_MapsFormatsEnumsCollectionsReferencesAndNames()
    {
        var model = ReceiverModelBuilder.Build(Fixtures.Load(Fixtures.ShopPath));

        Assert.Equal("ShopEvents", model.Name); // "Shop Events | v2": the part before ASP.NET Core's " | v2".
        Assert.Equal(["customer-deleted", "order.created"], model.Webhooks.Select(w => w.Name));
        Assert.Contains(model.Warnings, w => w.Contains("'ping'", StringComparison.Ordinal));
        Assert.Equal(
            ["CustomerDeletedPayload", "Order", "OrderLine", "OrderLine2", "OrderPriority", "OrderShippingAddress", "OrderStatus"],
            model.Types.Select(t => t.Name));

        var order = Assert.IsType<RecordModel>(model.Types.Single(t => t.Name == "Order"));
        var types = order.Properties.ToDictionary(p => p.JsonName, p => (p.Name, p.Type, p.Required));
        Assert.Equal(("Id", "global::System.Guid", true), types["id"]);
        Assert.Equal(("Number", "int?", false), types["number"]);
        Assert.Equal(("Sequence", "long?", false), types["sequence"]);
        Assert.Equal(("Status", "OrderStatus", true), types["status"]);
        Assert.Equal(("Total", "decimal", true), types["total"]);
        Assert.Equal(("Weight", "double?", false), types["weight"]);
        Assert.Equal(("PlacedAt", "global::System.DateTimeOffset", true), types["placed_at"]);
        Assert.Equal(("ShipOn", "global::System.DateOnly?", false), types["ship_on"]);
        Assert.Equal(("Lines", "global::System.Collections.Generic.IReadOnlyList<OrderLine>", true), types["lines"]);
        Assert.Equal(("Attributes", "global::System.Collections.Generic.IReadOnlyDictionary<string, int>?", false), types["attributes"]);
        Assert.Equal(("ShippingAddress", "OrderShippingAddress?", false), types["shipping_address"]);
        Assert.Equal(("Priority", "OrderPriority?", false), types["priority"]);
        Assert.Equal(("Parent", "Order?", false), types["parent"]); // recursion
        Assert.Equal(("LegacyLine", "OrderLine2?", false), types["legacy_line"]); // "order_line" after "OrderLine"
        Assert.Equal(("ToString2", "string?", false), types["ToString"]); // a record's own member
        Assert.Equal(("Order2", "string?", false), types["order"]); // the type's own name
        Assert.Equal(("UserName", "UserName2"), (types["user-name"].Name, types["user_name"].Name));
        Assert.Equal(("Metadata", "global::System.Text.Json.JsonElement?", false), types["metadata"]);
        var deleted = Assert.IsType<RecordModel>(model.Types.Single(t => t.Name == "CustomerDeletedPayload"));
        Assert.Equal(["global::System.Guid", "string?"], deleted.Properties.Select(p => p.Type)); // 3.0's nullable: true
        var priority = Assert.IsType<EnumModel>(model.Types.Single(t => t.Name == "OrderPriority"));
        Assert.Equal([new("low", "Low"), new("high", "High"), new("very-high", "VeryHigh")], priority.Members);
    }

    [Theory]
    [InlineData("monthly_fee", "MonthlyFee")]
    [InlineData("startDate", "StartDate")]
    [InlineData("new-subscription", "NewSubscription")]
    [InlineData("order.created", "OrderCreated")]
    [InlineData("2fa_enabled", "_2faEnabled")]
    [InlineData("--", "Value")]
    [InlineData("HTTPValidationError", "HTTPValidationError")]
    public void ToPascalCase_Names_AreValidIdentifiers(string name, string expected) => Assert.Equal(expected, CSharpNames.ToPascalCase(name));

    [Fact]
    public void Emit_SameDocument_GivesByteIdenticalFilesMarkedAsGenerated()
    {
        var (_, first) = ReceiverGenerator.Emit(Fixtures.Load(Fixtures.ShopPath), "Acme.Shop");
        var (_, second) = ReceiverGenerator.Emit(Fixtures.Load(Fixtures.ShopPath), "Acme.Shop");

        Assert.Equal(first, second);
        Assert.All(first.Values, content =>
        {
            Assert.StartsWith("// <auto-generated/>\n// Generated by `hookline generate`", content, StringComparison.Ordinal);
            Assert.DoesNotContain('\r', content);
            Assert.DoesNotContain(" \n", content, StringComparison.Ordinal);
            Assert.All(content.Split('\n'), line => Assert.True(line.Length <= 140, $"Longer than 140: {line}"));
        });
    }

    [Fact]
    public void Emit_HostileDocument_EveryTextStaysInItsCommentOrLiteral_NoInjectedCode()
    {
        // Each text ends its line with another of C#'s line terminators (CR, NEL, LS, PS) and then holds a type: if it left its
        // comment, the type would compile into the receiver.
        const string Document = """
            {
              "openapi": "3.1.0",
              "info": { "title": "Evil\u2028public class InjectedTitle { }", "version": "1" },
              "webhooks": {
                "evil": {
                  "post": {
                    "summary": "Summary\u0085public class InjectedSummary { }",
                    "description": "Description\u2029public class InjectedDescription { }\rpublic class InjectedCr { }",
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Payload" } } } },
                    "responses": { "200": { "description": "OK" } }
                  }
                }
              },
              "components": {
                "schemas": {
                  "Payload": {
                    "type": "object",
                    "description": "Payload\u2028public class InjectedType { }",
                    "properties": {
                      "note": { "type": "string", "description": "Note\u2029public class InjectedProperty { }\u0000" },
                      "kind": { "type": "string", "enum": ["a\u2028public class InjectedEnum { }", "b"] }
                    }
                  }
                }
              }
            }
            """;
        var (_, files) = ReceiverGenerator.Emit(WebhookDocumentLoader.Parse(Document, "evil.json"), "Acme.Evil");

        var assembly = GeneratedCode.Compile(files.Values);

        Assert.DoesNotContain(assembly.GetTypes(), t => t.Name.StartsWith("Injected", StringComparison.Ordinal));
        Assert.All(files.Values, content => Assert.DoesNotContain(content, c => c is '\r' or '\u0085' or '\u2028' or '\u2029' or '\0'));
        // Kept, as a line of its own inside the doc comment.
        Assert.Contains(files.Values, content => content.Contains("/// public class InjectedProperty { }\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_Twice_WritesOnceAndLeavesTheFilesAlone()
    {
        using var folder = Fixtures.NewFolder();
        using var http = new HttpClient();

        var (_, first) = await ReceiverGenerator.GenerateAsync(Fixtures.ShopPath, "Acme.Shop", folder.Path, null, http, default);
        var bytes = Directory.EnumerateFiles(folder.Path).Order().Select(File.ReadAllBytes).ToList();
        var (_, second) = await ReceiverGenerator.GenerateAsync(Fixtures.ShopPath, "Acme.Shop", folder.Path, null, http, default);

        Assert.Equal(10, first.Written.Count);
        Assert.Equal((0, 10, 0), (second.Written.Count, second.Unchanged.Count, second.Removed.Count));
        Assert.Equal(bytes, Directory.EnumerateFiles(folder.Path).Order().Select(File.ReadAllBytes));
    }

    [Fact]
    public async Task Generate_ChangedDocument_RewritesAndRemovesOnlyStaleFilesItWrote()
    {
        using var folder = Fixtures.NewFolder();
        using var http = new HttpClient();
        await ReceiverGenerator.GenerateAsync(Fixtures.ShopPath, "Acme.Shop", folder.Path, null, http, default);
        File.WriteAllText(folder.File("Mine.cs"), "// mine\nnamespace Acme.Shop;\n");
        File.WriteAllText(folder.File("Notes.cs"), "// <auto-generated/>\n// by another tool\n");
        // The next version of the document: order.created is gone, customer-deleted gains a field.
        var changed = File.ReadAllText(Fixtures.ShopPath)
            .Replace("\"order.created\": {\n      \"post\"", "\"order.created\": {\n      \"get\"", StringComparison.Ordinal)
            .Replace(
                "\"reason\": { \"type\": \"string\", \"nullable\": true }",
                "\"reason\": { \"type\": \"string\" }, \"at\": { \"type\": \"string\", \"format\": \"date-time\" }",
                StringComparison.Ordinal);
        Assert.Contains("\"get\"", changed, StringComparison.Ordinal);
        var document = folder.File("next.json");
        File.WriteAllText(document, changed);

        var (_, files) = await ReceiverGenerator.GenerateAsync(document, "Acme.Shop", folder.Path, null, http, default);

        Assert.Equal(["CustomerDeletedPayload.cs", "IShopEventsWebhooks.cs", "ShopEventsWebhooksEndpointRouteBuilderExtensions.cs"], files.Written);
        Assert.Equal(["Order.cs", "OrderLine.cs", "OrderLine2.cs", "OrderPriority.cs", "OrderShippingAddress.cs", "OrderStatus.cs"], files.Removed);
        Assert.Equal(
            [
                "CustomerDeletedPayload.cs", "IShopEventsWebhooks.cs", "Mine.cs", "Notes.cs",
                "ShopEventsWebhooksEndpointRouteBuilderExtensions.cs", "ShopEventsWebhooksJson.cs", "next.json",
            ],
            Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("DateTimeOffset? At", File.ReadAllText(folder.File("CustomerDeletedPayload.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_OverAFileItDidNotWrite_RefusesAndWritesNothing()
    {
        using var folder = Fixtures.NewFolder();
        using var http = new HttpClient();
        File.WriteAllText(folder.File("Subscription.cs"), "// my own\n");

        var error = await Assert.ThrowsAsync<GenerationException>(
            () => ReceiverGenerator.GenerateAsync(Fixtures.FastApiPath, "Acme", folder.Path, null, http, default));

        Assert.Contains("Subscription.cs exists and was not written by hookline", error.Message, StringComparison.Ordinal);
        Assert.Equal(["Subscription.cs"], Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName));
        Assert.Equal("// my own\n", File.ReadAllText(folder.File("Subscription.cs")));
    }

    [Theory]
    [InlineData("""{"openapi":"3.1.0","info":{"title":"T","version":"1"},"paths":{}}""", "has no webhooks")]
    [InlineData(
        """{"openapi":"3.1.0","info":{"title":"T","version":"1"},"webhooks":{"a":{"get":{"responses":{"200":{"description":"OK"}}}}}}""",
        "no webhooks that are requests with a body")]
    [InlineData("""{"hello":"world"}""", "not")]
    [InlineData("""{"openapi":""", "not")]
    public void Parse_BadDocument_SaysWhichAndWhatIsWrongInOneLine(string text, string expected)
    {
        var error = Assert.Throws<GenerationException>(() => ReceiverGenerator.Emit(WebhookDocumentLoader.Parse(text, "doc.json"), "Acme"));

        Assert.StartsWith("doc.json ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Load_UnreachableUrlOrMissingFile_SaysSo()
    {
        using var http = new HttpClient();

        var unreachable = await Assert.ThrowsAsync<GenerationException>(
            () => WebhookDocumentLoader.LoadAsync("http://127.0.0.1:1/openapi.json", http, default));
        var missing = await Assert.ThrowsAsync<GenerationException>(
            () => WebhookDocumentLoader.LoadAsync("/nonexistent/openapi.json", http, default));

        Assert.StartsWith("http://127.0.0.1:1/openapi.json could not be reached", unreachable.Message, StringComparison.Ordinal);
        Assert.StartsWith("/nonexistent/openapi.json could not be read", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_BadNamespace_IsRefused()
    {
        var error = Assert.Throws<GenerationException>(() => ReceiverGenerator.Emit(Fixtures.Load(Fixtures.FastApiPath), "Acme..Hooks"));

        Assert.Contains("is not a C# namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Yaml_ReadsTheSameWebhooksAsJson()
    {
        const string Yaml = """
            openapi: 3.1.0
            info: { title: FastAPI, version: 0.1.0 }
            webhooks:
              new-subscription:
                post:
                  requestBody:
                    content:
                      application/json:
                        schema: { $ref: '#/components/schemas/Subscription' }
                  responses:
                    '200': { description: Successful Response }
            components:
              schemas:
                Subscription:
                  type: object
                  required: [username, monthly_fee, start_date]
                  properties:
                    username: { type: string, title: Username }
                    monthly_fee: { type: number, title: Monthly Fee }
                    start_date: { type: string, format: date-time, title: Start Date }
            """;

        var fromYaml = ReceiverModelBuilder.Build(WebhookDocumentLoader.Parse(Yaml, "doc.yaml"));
        var fromJson = ReceiverModelBuilder.Build(Fixtures.Load(Fixtures.FastApiPath));

        Assert.Equal(Assert.IsType<RecordModel>(Assert.Single(fromJson.Types)).Properties, Assert.IsType<RecordModel>(Assert.Single(fromYaml.Types)).Properties);
    }
}
