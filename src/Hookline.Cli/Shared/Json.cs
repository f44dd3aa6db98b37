using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hookline.Cli.Shared;

/// <summary>JSON for people: indented when it parses, as sent when it does not.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Pretty(string text)
    {
        try
        {
            return JsonNode.Parse(text)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
