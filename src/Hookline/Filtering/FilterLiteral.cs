using System.Globalization;
using System.Text.Json;

namespace Hookline.Filtering;

/// <summary>A value written in a filter: a JSON string, number, boolean or null.</summary>
internal sealed record FilterLiteral
{
    private FilterLiteral(JsonValueKind kind, string? text, decimal? number)
    {
        Kind = kind;
        Text = text;
        Number = number;
    }

    public JsonValueKind Kind { get; }

    /// <summary>The string's value, for a string.</summary>
    public string? Text { get; }

    /// <summary>The number's value, for a number.</summary>
    public decimal? Number { get; }

    public static FilterLiteral String(string text) => new(JsonValueKind.String, text, null);

    public static FilterLiteral Of(decimal number) => new(JsonValueKind.Number, null, number);

    public static FilterLiteral Boolean(bool value) => new(value ? JsonValueKind.True : JsonValueKind.False, null, null);

    public static FilterLiteral Null { get; } = new(JsonValueKind.Null, null, null);

    /// <summary>
    /// Whether <paramref name="field"/> has this value: the same kind, and for a string the same characters, for a number the
    /// same value.
    /// </summary>
    public bool EqualsElement(JsonElement field) => Kind switch
    {
        JsonValueKind.String => field.ValueKind == JsonValueKind.String && field.ValueEquals(Text),
        JsonValueKind.Number => field.ValueKind == JsonValueKind.Number && field.TryGetDecimal(out var value) && value == Number,
        _ => field.ValueKind == Kind,
    };

    /// <summary>How this number compares with <paramref name="field"/>, if both are numbers (one beyond decimal's range is none).</summary>
    public int? CompareToElement(JsonElement field) =>
        Number is { } number && field.ValueKind == JsonValueKind.Number && field.TryGetDecimal(out var value)
            ? number.CompareTo(value)
            : null;

    public override string ToString() => Kind switch
    {
        JsonValueKind.String => $"\"{JsonEncodedText.Encode(Text!)}\"",
        JsonValueKind.Number => Number!.Value.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };
}
