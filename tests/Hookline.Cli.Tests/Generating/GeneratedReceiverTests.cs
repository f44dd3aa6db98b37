using System.Net;
using System.Reflection;
using Hookline.Cli.Generating;

namespace Hookline.Cli.Tests.Generating;

/// <summary>The generated code compiled and run as a receiver on loopback, receiving real signed requests.</summary>
public sealed class GeneratedReceiverTests
{
    private static readonly string Secret = WebhookSecret.Generate();

    [Fact]
    public async Task FastApiReceiver_SignedDelivery_ArrivesTypedAndEqual_ForgeriesAndOldAreRefused_AndAResendIsAcknowledgedOnce()
    {
        await using var app = await StartAsync(Fixtures.FastApiPath, "Acme.FastApi", "FastAPI");
        var now = DateTimeOffset.UtcNow;
        const string Body = """{"username":"rick","monthly_fee":9.99,"start_date":"2026-11-23T10:00:00+00:00"}""";

        var accepted = await app.DeliverAsync("new-subscription", Body, Secret, "msg_1", now);
        var forged = await app.DeliverAsync("new-subscription", Body, WebhookSecret.Generate(), "msg_2", now);
        var old = await app.DeliverAsync("new-subscription", Body, Secret, "msg_3", now.AddMinutes(-6));
        var replayed = await app.DeliverAsync("new-subscription", Body, Secret, "msg_1", now);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.NoContent],
            [accepted, forged, old, replayed]);
        var call = Assert.Single(app.Receiver.Calls);
        Assert.Equal(("HandleNewSubscriptionAsync", "msg_1"), (call.Method, call.WebhookId));
        Assert.Equal("Subscription", call.Payload.GetType().Name);
        Assert.Equal("rick", Get<string>(call.Payload, "Username"));
        Assert.Equal(9.99, Get<double>(call.Payload, "MonthlyFee"));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), Get<DateTimeOffset>(call.Payload, "StartDate"));
    }

    [Fact]
    public async Task FastApiReceiver_BodyWithoutARequiredMember_IsRefusedBeforeTheHandler()
    {
        await using var app = await StartAsync(Fixtures.FastApiPath, "Acme.FastApi", "FastAPI");

        const string Body = """{"username":"rick","monthly_fee":9.99}""";
        var status = await app.DeliverAsync("new-subscription", Body, Secret, "msg_1", DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(app.Receiver.Calls);
    }

    [Fact]
    public async Task ShopReceiver_EveryKindOfMember_ArrivesTyped()
    {
        await using var app = await StartAsync(Fixtures.ShopPath, "Acme.Shop", "ShopEvents");
        const string Order = """
            {"id":"6f1c2b8e-3a52-4d8f-9a51-0c7e5c1f0a11","number":42,"sequence":9007199254740993,"status":"paid","total":1234.5678,
             "weight":null,"placed_at":"2026-11-23T10:00:00+01:00","ship_on":"2026-11-25",
             "lines":[{"sku":"A-1","quantity":2,"children":[{"sku":"A-1-a","quantity":1}]}],"tags":["gift","rush"],
             "attributes":{"floor":3},"shipping_address":{"city":"Lyon"},"priority":"very-high","parent":{"id":"00000000-0000-0000-0000-000000000001",
             "status":"pending","total":0,"placed_at":"2026-01-01T00:00:00Z","lines":[]},"legacy_line":{"note":"n"},"ToString":"t","order":"o",
             "user-name":"a","user_name":"b","metadata":{"any":[1,"x"]}}
            """;

        var statuses = new[]
        {
            await app.DeliverAsync("order.created", Order, Secret, "msg_order", DateTimeOffset.UtcNow),
            await app.DeliverAsync(
                "customer-deleted", """{"customer_id":"6f1c2b8e-3a52-4d8f-9a51-0c7e5c1f0a11","reason":null}""", Secret, "msg_customer",
                DateTimeOffset.UtcNow),
        };

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent], statuses);
        var order = app.Receiver.Calls.Single(c => c.Method == "HandleOrderCreatedAsync").Payload;
        Assert.Equal(Guid.Parse("6f1c2b8e-3a52-4d8f-9a51-0c7e5c1f0a11"), Get<Guid>(order, "Id"));
        Assert.Equal(42, Get<int?>(order, "Number"));
        Assert.Equal(9007199254740993L, Get<long?>(order, "Sequence"));
        Assert.Equal("Paid", Get<object>(order, "Status").ToString());
        Assert.Equal(1234.5678m, Get<decimal>(order, "Total"));
        Assert.Null(Get<double?>(order, "Weight"));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)), Get<DateTimeOffset>(order, "PlacedAt"));
        Assert.Equal(new DateOnly(2026, 11, 25), Get<DateOnly?>(order, "ShipOn"));
        var line = Assert.Single(Get<System.Collections.IEnumerable>(order, "Lines").Cast<object>());
        Assert.Equal(("A-1", 2L), (Get<string>(line, "Sku"), Get<long>(line, "Quantity")));
        Assert.Equal("A-1-a", Get<string>(Assert.Single(Get<System.Collections.IEnumerable>(line, "Children").Cast<object>()), "Sku"));
        Assert.Equal(["gift", "rush"], Get<IReadOnlyList<string>>(order, "Tags"));
        Assert.Equal(3, Get<IReadOnlyDictionary<string, int>>(order, "Attributes")["floor"]);
        var address = Get<object>(order, "ShippingAddress");
        Assert.Equal(("Lyon", null), (Get<string>(address, "City"), Get<string?>(address, "Street")));
        Assert.Equal("VeryHigh", Get<object>(order, "Priority").ToString());
        Assert.Equal("Pending", Get<object>(Get<object>(order, "Parent"), "Status").ToString());
        Assert.Equal("n", Get<string>(Get<object>(order, "LegacyLine"), "Note"));
        Assert.Equal(["t", "o", "a", "b"], new[] { "ToString2", "Order2", "UserName", "UserName2" }.Select(p => Get<string>(order, p)));
        Assert.Equal("""{"any":[1,"x"]}""", Get<System.Text.Json.JsonElement?>(order, "Metadata")!.Value.GetRawText());
        var customer = app.Receiver.Calls.Single(c => c.Method == "HandleCustomerDeletedAsync").Payload;
        Assert.Null(Get<string?>(customer, "Reason"));
    }

    [Fact]
    public async Task AccountReceiver_NamesDifferingInCase_AndUndeclaredMembers_AreKeptAndWrittenBackAsSent()
    {
        await using var app = await StartAsync(AccountsDocument, "Acme.Accounts", "Accounts");
        const string Body = """
            {"accountIban":"NL91","accountIBAN":"nl91","count":2,"owner":{"name":"Ann","role":"admin"},"Amount":"9.99","level":-3,"extra":{"x":[1]}}
            """;

        var answer = await app.AnswerAsync("account.updated", Body, Secret, "msg_1", DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.NoContent, answer.Status);
        var account = Assert.Single(app.Receiver.Calls).Payload;
        Assert.Equal(("NL91", "nl91", "9.99"), (Get<string>(account, "AccountIban"), Get<string>(account, "AccountIBAN"), Get<string>(account, "Amount")));
        Assert.Equal(("ValueMinus3", -3L), (Get<object>(account, "Level").ToString(), Convert.ToInt64(Get<object>(account, "Level"))));
        Assert.Equal("""{"x":[1]}""", Get<Dictionary<string, System.Text.Json.JsonElement>>(account, "AdditionalProperties")["extra"].GetRawText());
        var options = (System.Text.Json.JsonSerializerOptions)account.GetType().Assembly.GetType("Acme.Accounts.AccountsWebhooksJson")!
            .GetProperty("Options")!.GetValue(null)!;
        Assert.Equal(Body, System.Text.Json.JsonSerializer.Serialize(account, account.GetType(), options));
    }

    [Theory]
    [InlineData("""{"accountIban":"NL91","owner":{"name":"Ann"}}""", "count")]
    [InlineData("""{"accountIban":"NL91","count":"2","owner":{"name":"Ann"}}""", "$.count")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":{"name":"Ann","age":3}}""", "age")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":{"name":"Ann","role":"king"}}""", "$.owner.role")]
    [InlineData("""{"accountIban":"NL91","count":2,"count":3,"owner":{"name":"Ann"}}""", "count")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":null}""", "owner")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":{"name":"Ann","role":0}}""", "$.owner.role")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":{"name":"Ann"},"level":2}""", "$.level")]
    [InlineData("""{"accountIban":"NL91","count":2,"owner":{"name":"Ann"},"level":"1"}""", "$.level")]
    [InlineData("""null""", "null")]
    public async Task AccountReceiver_BodyBreakingItsSchema_Is400NamingTheMember_AndNeverReachesTheHandler(string body, string member)
    {
        await using var app = await StartAsync(AccountsDocument, "Acme.Accounts", "Accounts");

        var (status, problem) = await app.AnswerAsync("account.updated", body, Secret, "msg_1", DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = System.Text.Json.Nodes.JsonNode.Parse(problem)!["detail"]!.GetValue<string>();
        Assert.Contains(member, detail, StringComparison.Ordinal);
        Assert.Empty(app.Receiver.Calls);
    }

    [Fact]
    public async Task AccountReceiver_Lenient_AcceptsMissingRequiredAndUndeclaredMembers_NotValuesOutsideAnEnum()
    {
        await using var app = await StartAsync(AccountsDocument, "Acme.Accounts", "Accounts", lenient: true);

        var missing = await app.AnswerAsync("account.updated", """{"owner":{"name":"Ann","age":3}}""", Secret, "msg_1", DateTimeOffset.UtcNow);
        var outside = await app.AnswerAsync(
            "account.updated", """{"count":1,"owner":{"name":"Ann","role":"king"}}""", Secret, "msg_2", DateTimeOffset.UtcNow);
        var notJson = await app.AnswerAsync("account.updated", "count=1", Secret, "msg_3", DateTimeOffset.UtcNow, "application/x-www-form-urlencoded");

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.BadRequest, HttpStatusCode.UnsupportedMediaType],
            [missing.Status, outside.Status, notJson.Status]);
        var account = Assert.Single(app.Receiver.Calls).Payload;
        Assert.Equal((null, 0L), (Get<string?>(account, "AccountIban"), Get<long>(account, "Count")));
    }

    [Fact]
    public async Task WebhooksSentWithOtherMethods_GetAHandlerEach_AndARequestWithoutABodyIsLeftOutWithAWarning()
    {
        const string Operation = """
            { "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
              "responses": { "200": { "description": "OK" } } }
            """;
        const string Document = $$"""
            {
              "openapi": "3.1.0",
              "info": { "title": "Verbs", "version": "1" },
              "webhooks": {
                "item": {
                  "post": {{Operation}},
                  "put": {{Operation}},
                  "get": { "responses": { "200": { "description": "OK" } } }
                },
                "item.patched": {
                  "patch": {{Operation}}
                }
              },
              "components": { "schemas": { "Item": { "type": "object", "properties": { "n": { "type": "integer" } } } } }
            }
            """;
        var (model, _) = ReceiverGenerator.Emit(WebhookDocumentLoader.Parse(Document, "verbs.json"), "Acme.Verbs");
        await using var app = await StartAsync(Document, "Acme.Verbs", "Verbs");

        var statuses = new[]
        {
            (await app.AnswerAsync("item", """{"n":1}""", Secret, "msg_1", DateTimeOffset.UtcNow)).Status,
            (await app.AnswerAsync("item", """{"n":2}""", Secret, "msg_2", DateTimeOffset.UtcNow, method: "PUT")).Status,
            (await app.AnswerAsync("item.patched", """{"n":3}""", Secret, "msg_3", DateTimeOffset.UtcNow, method: "PATCH")).Status,
            (await app.AnswerAsync("item.patched", """{"n":4}""", Secret, "msg_4", DateTimeOffset.UtcNow)).Status,
        };

        Assert.Equal(
            [("item", "POST", "Item"), ("item", "PUT", "ItemPut"), ("item.patched", "PATCH", "ItemPatched")],
            model.Webhooks.Select(w => (w.Name, w.HttpMethod, w.MethodName)));
        Assert.Contains(model.Warnings, w => w.Contains("'item' (GET) is left out", StringComparison.Ordinal));
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.MethodNotAllowed], statuses);
        Assert.Equal(
            [("HandleItemAsync", 1L), ("HandleItemPutAsync", 2L), ("HandleItemPatchedAsync", 3L)],
            app.Receiver.Calls.Select(c => (c.Method, Get<long?>(c.Payload, "N") ?? 0)));
    }

    [Fact]
    public async Task Choices_ToldApartByAMember_AreTyped_ReadAndWrittenBackAsSent_AnUnknownChoiceIs400NamingTheMember()
    {
        const string Document = """
            {
              "openapi": "3.1.0",
              "info": { "title": "Pets", "version": "1" },
              "webhooks": {
                "adopted": {
                  "post": {
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Adoption" } } } },
                    "responses": { "200": { "description": "OK" } }
                  }
                }
              },
              "components": {
                "schemas": {
                  "Adoption": {
                    "type": "object",
                    "properties": {
                      "pet": {
                        "oneOf": [{ "$ref": "#/components/schemas/Cat" }, { "$ref": "#/components/schemas/Dog" }],
                        "discriminator": { "propertyName": "kind", "mapping": { "meow": "#/components/schemas/Cat", "woof": "#/components/schemas/Dog" } }
                      },
                      "toy": { "anyOf": [{ "$ref": "#/components/schemas/Ball" }, { "$ref": "#/components/schemas/Rope" }, { "type": "null" }] },
                      "any": { "oneOf": [{ "type": "string" }, { "type": "integer" }] }
                    }
                  },
                  "Cat": { "type": "object", "properties": { "kind": { "type": "string" }, "lives": { "type": "integer" } } },
                  "Dog": { "type": "object", "properties": { "kind": { "type": "string" }, "name": { "type": "string" } } },
                  "Ball": { "type": "object", "properties": { "type": { "const": "ball" }, "size": { "type": "integer" } } },
                  "Rope": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["rope"] }, "length": { "type": "integer" } } }
                }
              }
            }
            """;
        var (model, _) = ReceiverGenerator.Emit(WebhookDocumentLoader.Parse(Document, "pets.json"), "Acme.Pets");
        await using var app = await StartAsync(Document, "Acme.Pets", "Pets");
        const string Body = """{"pet":{"kind":"woof","name":"Rex"},"toy":{"type":"rope","length":2},"any":5}""";

        var adopted = await app.AnswerAsync("adopted", Body, Secret, "msg_1", DateTimeOffset.UtcNow);
        var unknown = await app.AnswerAsync("adopted", """{"pet":{"kind":"moo"}}""", Secret, "msg_2", DateTimeOffset.UtcNow);

        Assert.Equal(
            ["'AdoptionAny' is read as any JSON: its choices (oneOf/anyOf) are not objects that one member with a value each tells apart."],
            model.Warnings);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.BadRequest), (adopted.Status, unknown.Status));
        Assert.Contains("'kind' is 'moo', none of: meow, woof", unknown.Body, StringComparison.Ordinal);
        var adoption = Assert.Single(app.Receiver.Calls).Payload;
        var pet = Get<object>(adoption, "Pet");
        Assert.Equal(("AdoptionPet", "Rex"), (pet.GetType().Name, Get<string>(Get<object>(pet, "Dog"), "Name")));
        Assert.Null(pet.GetType().GetProperty("Cat")!.GetValue(pet));
        Assert.Equal(2L, Get<long?>(Get<object>(Get<object>(adoption, "Toy"), "Rope"), "Length"));
        var options = (System.Text.Json.JsonSerializerOptions)adoption.GetType().Assembly.GetType("Acme.Pets.PetsWebhooksJson")!
            .GetProperty("Options")!.GetValue(null)!;
        Assert.Equal(Body, System.Text.Json.JsonSerializer.Serialize(adoption, adoption.GetType(), options));
    }

    /// <summary>
    /// Members whose names differ only in case (as some payment providers' schemas have), an open and a closed object, an enum, and
    /// a member named as its C# property would be (<c>Amount</c>), which must stay so.
    /// </summary>
    private const string AccountsDocument = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Accounts", "version": "1" },
          "webhooks": {
            "account.updated": {
              "post": {
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Account" } } } },
                "responses": { "200": { "description": "OK" } }
              }
            }
          },
          "components": {
            "schemas": {
              "Account": {
                "type": "object",
                "required": ["accountIban", "count", "owner"],
                "properties": {
                  "accountIban": { "type": "string" },
                  "accountIBAN": { "type": "string" },
                  "count": { "type": "integer" },
                  "owner": { "$ref": "#/components/schemas/Owner" },
                  "Amount": { "type": "string" },
                  "level": { "type": "integer", "enum": [1, -3] }
                }
              },
              "Owner": {
                "type": "object",
                "additionalProperties": false,
                "properties": { "name": { "type": "string" }, "role": { "type": "string", "enum": ["admin", "member"] } }
              }
            }
          }
        }
        """;

    private static async Task<GeneratedReceiverApp> StartAsync(string document, string @namespace, string name, bool lenient = false)
    {
        var parsed = document.StartsWith('{') ? WebhookDocumentLoader.Parse(document, $"{name}.json") : Fixtures.Load(document);
        var (model, files) = ReceiverGenerator.Emit(parsed, @namespace);
        Assert.Equal(name, model.Name);
        return await GeneratedReceiverApp.StartAsync(GeneratedCode.Compile(files.Values), @namespace, name, Secret, lenient);
    }

    private static T Get<T>(object instance, string property) =>
        (T)instance.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(instance)!;
}
