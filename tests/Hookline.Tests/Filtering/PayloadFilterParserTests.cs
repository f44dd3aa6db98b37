using System.Text.Json;
using Hookline.Filtering;

namespace Hookline.Tests.Filtering;

public sealed class PayloadFilterParserTests
{
    private const string Payload = """
        {"plan":"pro","amount":120.5,"seats":3,"trial":false,"coupon":null,
         "customer":{"country":"FR","name":"Ada"},"tags":["a"]}
        """;

    [Theory]
    [InlineData("plan == \"pro\"", true)]
    [InlineData("plan == \"Pro\"", false)]
    [InlineData("plan != \"pro\"", false)]
    [InlineData("amount > 100", true)]
    [InlineData("amount >= 120.5", true)]
    [InlineData("amount < 120.5", false)]
    [InlineData("amount <= 120.50", true)]
    [InlineData("seats == 3.0", true)]
    [InlineData("seats == 3", true)]
    [InlineData("seats > 2 and seats < 4", true)]
    [InlineData("trial == false", true)]
    [InlineData("trial == true or plan == \"pro\"", true)]
    [InlineData("not trial == false", false)]
    [InlineData("not (trial == false or seats == 9)", false)]
    [InlineData("customer.country in [\"FR\", \"DE\"]", true)]
    [InlineData("customer.country in [\"US\"]", false)]
    [InlineData("exists(customer.name)", true)]
    [InlineData("exists(coupon)", false)]
    [InlineData("exists(missing)", false)]
    [InlineData("coupon == null", true)]
    [InlineData("missing == null", false)]
    [InlineData("missing != \"x\"", true)]
    [InlineData("missing > 1", false)]
    [InlineData("plan > 1", false)]
    [InlineData("customer.country.code == \"FR\"", false)]
    [InlineData("seats == \"3\"", false)]
    [InlineData("plan == \"pro\" or seats == 1 and trial == true", true)]
    [InlineData("(plan == \"pro\" or seats == 1) and trial == true", false)]
    [InlineData("customer.name == \"\\u0041da\"", true)]
    [InlineData("  amount>100\tand\nseats==3  ", true)]
    public void Parse_Filter_MatchesAsDocumented(string filter, bool expected)
    {
        using var payload = JsonDocument.Parse(Payload);
        Assert.Equal(expected, PayloadFilterParser.Parse(filter).Matches(payload.RootElement));
    }

    [Fact]
    public void Matches_RepeatedProperty_TheLastCounts()
    {
        // Hookline serializes payloads itself, so they hold no repeated property; were one there, the filter would read it as
        // System.Text.Json deserializes it: the last one.
        using var payload = JsonDocument.Parse("""{"plan":"free","plan":"pro"}""");
        Assert.True(PayloadFilterParser.Parse("plan == \"pro\"").Matches(payload.RootElement));
    }

    [Theory]
    [InlineData("", "Expected a field name, not the end of the filter (at character 1).")]
    [InlineData("plan = \"pro\"", "Expected ==, !=, <, <=, >, >= or 'in' after 'plan', not '=' (at character 6).")]
    [InlineData("plan == pro", "Expected a value (a \"string\", a number, true, false or null), not 'p' (at character 9).")]
    [InlineData("plan == \"pro", "This string has no closing quote (at character 9).")]
    [InlineData("plan == 'pro'", "Expected a value (a \"string\", a number, true, false or null), not ''' (at character 9).")]
    [InlineData("amount > 01", "'01' is not a JSON number (at character 10).")]
    [InlineData("amount > 1e999", "The number 1e999 is out of range (at character 10).")]
    [InlineData("plan == \"pro\" plan", "Expected 'and', 'or' or the end of the filter, not 'p' (at character 15).")]
    [InlineData("(plan == \"pro\"", "Expected ')', not the end of the filter (at character 15).")]
    [InlineData("tags in []", "Expected a value (a \"string\", a number, true, false or null), not ']' (at character 10).")]
    [InlineData("exists plan", "Expected '(', not 'p' (at character 8).")]
    [InlineData("plan == \"a\u0001\"", "This string is not a JSON string (escape \", \\ and control characters as JSON does) (at character 9).")]
    [InlineData("plan\u0000 == 1", "Expected ==, !=, <, <=, >, >= or 'in' after 'plan', not the control character U+0000 (at character 5).")]
    public void Parse_Malformed_SaysWhatAndWhere(string filter, string message)
    {
        var error = Assert.Throws<FilterSyntaxException>(() => PayloadFilterParser.Parse(filter));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_HostileSizes_RefusedCheaply()
    {
        Assert.Contains("at most 1000", Assert.Throws<FilterSyntaxException>(() => PayloadFilterParser.Parse(new string(' ', 1_001))).Message);
        var deep = new string('(', 40) + "a == 1" + new string(')', 40);
        Assert.Contains("nests more than 32", Assert.Throws<FilterSyntaxException>(() => PayloadFilterParser.Parse(deep)).Message);
        var nots = string.Concat(Enumerable.Repeat("not ", 100)) + "a == 1";
        Assert.Contains("nests more than 32", Assert.Throws<FilterSyntaxException>(() => PayloadFilterParser.Parse(nots)).Message);
        var list = $"a in [{string.Join(',', Enumerable.Range(0, 101))}]";
        Assert.Contains("at most 100 values", Assert.Throws<FilterSyntaxException>(() => PayloadFilterParser.Parse(list)).Message);
    }

    [Fact]
    public void Parse_LongChains_DoNotOverflowTheStack()
    {
        // and/or chains are read in a loop, not by recursion: as many terms as fit in the length limit parse and match.
        var chain = "a==0";
        for (var i = 1; chain.Length + 10 <= PayloadFilterParser.MaxLength; i++)
        {
            chain += $" or a=={i % 10}";
        }

        using var payload = JsonDocument.Parse("""{"a":7}""");
        Assert.True(PayloadFilterParser.Parse(chain).Matches(payload.RootElement));
    }
}
