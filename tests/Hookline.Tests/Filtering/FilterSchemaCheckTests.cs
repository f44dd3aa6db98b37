using System.Text.Json.Nodes;
using Hookline.Filtering;

namespace Hookline.Tests.Filtering;

public sealed class FilterSchemaCheckTests
{
    // The shape of a standalone event type schema (WebhookEventTypes): references into $defs, nullable ones as a choice.
    private static readonly JsonObject s_schema = JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "plan": { "type": "string", "enum": ["free", "pro"] },
            "email": { "type": "string", "format": "email" },
            "amount": { "type": "number" },
            "seats": { "type": ["integer", "null"] },
            "trial": { "type": "boolean" },
            "customer": { "$ref": "#/$defs/Customer" },
            "billing": { "oneOf": [{ "type": "null" }, { "$ref": "#/$defs/Customer" }] },
            "tags": { "type": "array", "items": { "type": "string" } },
            "extra": {}
          },
          "$defs": {
            "Customer": { "type": "object", "properties": { "country": { "type": "string" }, "name": { "type": "string" } } }
          }
        }
        """)!.AsObject();

    [Theory]
    [InlineData("plan == \"pro\"")]
    [InlineData("plan in [\"free\", \"pro\"]")]
    [InlineData("email == \"a@example.com\"")]
    [InlineData("amount > 10.5 and seats >= 2")]
    [InlineData("seats == null or seats == 3")]
    [InlineData("trial != true")]
    [InlineData("customer.country == \"FR\"")]
    [InlineData("billing.name == \"Ada\" or billing == null")]
    [InlineData("exists(tags) and exists(customer)")]
    [InlineData("extra.anything.below == 1")]
    public void Check_FilterTheSchemaAllows_NoErrors(string filter) =>
        Assert.Empty(FilterSchemaCheck.Check(PayloadFilterParser.Parse(filter), s_schema));

    [Theory]
    [InlineData("paln == \"pro\"", "The payload has no field 'paln' (in 'paln'); its fields are: amount, billing, customer, email, extra, plan, seats, tags, trial.")]
    [InlineData("customer.contry == \"FR\"", "'customer' has no field 'contry' (in 'customer.contry'); its fields are: country, name.")]
    [InlineData("plan == \"premium\"", "'plan' is never \"premium\"; it is one of: \"free\", \"pro\".")]
    [InlineData("amount == \"10\"", "'amount' is a number, so it is never \"10\".")]
    [InlineData("seats == 2.5", "'seats' is an integer or null, so it is never 2.5.")]
    [InlineData("trial == null", "'trial' is a boolean, so it is never null.")]
    [InlineData("plan > 1", "'plan' is a string: only numbers compare with <, <=, > and >=.")]
    [InlineData("customer == \"x\"", "'customer' is an object, so it is never \"x\".")]
    [InlineData("tags == \"a\"", "'tags' is an array, so it is never \"a\".")]
    [InlineData("plan.name == \"x\"", "'plan' has no fields to filter on, so 'plan.name' is never there.")]
    public void Check_FilterTheSchemaRefuses_NamesTheField(string filter, string error) =>
        Assert.Equal([error], FilterSchemaCheck.Check(PayloadFilterParser.Parse(filter), s_schema));

    [Fact]
    public void Check_SeveralFaults_ListsEach() =>
        Assert.Equal(2, FilterSchemaCheck.Check(PayloadFilterParser.Parse("paln == 1 or not amount == true"), s_schema).Count);

    [Fact]
    public void Check_ReferenceCycle_Terminates()
    {
        var schema = JsonNode.Parse("""{"$ref":"#/$defs/A","$defs":{"A":{"$ref":"#/$defs/A"}}}""")!.AsObject();
        Assert.Single(FilterSchemaCheck.Check(PayloadFilterParser.Parse("a == 1"), schema));
    }
}
