using System.Text.Json.Nodes;

namespace Hookline.Tests.EventTypes;

/// <summary>
/// The example of an event type (what the catalog shows and a test event sends): the one its type declares, else values that
/// look like what they stand for.
/// </summary>
public sealed class JsonSchemaExamplesTests
{
    public static TheoryData<string, string> Examples() => new()
    {
        // Declared: an XML doc comment's <example> on the type (OpenAPI 3.1: examples), or OpenAPI 3.0's example.
        {
            """{"type":"object","examples":[{"username":"rick","monthlyFee":9.99}],"properties":{"username":{"type":"string"}}}""",
            """{"username":"rick","monthlyFee":9.99}"""
        },
        { """{"type":"object","properties":{"name":{"type":"string","example":"Rick Sanchez"}}}""", """{"name":"Rick Sanchez"}""" },
        { """{"type":["null","integer"],"examples":[42]}""", "42" },
        { """{"type":"string","format":"email","examples":["rick@citadel.example"]}""", "\"rick@citadel.example\"" },
        // A declared example of another type, or not one of the enum's values, is not sent as one: the schema's own is.
        { """{"type":"integer","examples":["many"]}""", "1" },
        { """{"type":"integer","examples":[1.5]}""", "1" },
        { """{"type":"string","enum":["red","green"],"examples":["blue"]}""", "\"red\"" },
        // Strings by format, else by the property's name (an address for an email or a URL, else the name in words); never "string".
        { """{"properties":{"at":{"type":"string","format":"date-time"}}}""", """{"at":"2026-01-31T12:00:00+00:00"}""" },
        { """{"properties":{"id":{"type":"string","format":"uuid"}}}""", """{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6"}""" },
        { """{"type":"object","properties":{"to":{"type":"string","format":"email"}}}""", """{"to":"user@example.com"}""" },
        { """{"properties":{"link":{"type":"string","format":"uri"}}}""", """{"link":"https://example.com/"}""" },
        {
            """{"properties":{"userName":{"type":"string"},"plan_code":{"type":"string"},"HTTPMethod":{"type":"string"}}}""",
            """{"userName":"user name","plan_code":"plan code","HTTPMethod":"http method"}"""
        },
        { """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}}}""", """{"tags":["tags"]}""" },
        {
            """{"properties":{"email":{"type":"string"},"billingEmail":{"type":"string"},"callbackUrl":{"type":"string"}}}""",
            """{"email":"user@example.com","billingEmail":"user@example.com","callbackUrl":"https://example.com/"}"""
        },
        { """{"type":"string"}""", "\"example\"" },
        { """{"type":"object","properties":{"code":{"type":"string","maxLength":3}}}""", """{"code":"a"}""" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_IsTheDeclaredOne_ElseLooksLikeWhatItStandsFor(string schema, string expected)
    {
        var example = JsonSchemaExamples.Example(JsonNode.Parse(schema)!.AsObject());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), example), example?.ToJsonString());
    }

    [Fact]
    public void Example_OfAReferencedTypeWithADeclaredExample_IsThatExample()
    {
        var components = JsonNode.Parse(
            """{"Subscription":{"type":"object","examples":[{"username":"rick"}],"properties":{"username":{"type":"string"}}}}""")!;
        var reference = JsonNode.Parse("""{"$ref":"#/components/schemas/Subscription"}""")!;
        var schema = JsonSchemaExamples.Standalone(reference, components.AsObject());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"username":"rick"}"""), JsonSchemaExamples.Example(schema)));
    }
}
