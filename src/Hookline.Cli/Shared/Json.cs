using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hookline.Cli.Shared;

/// <summary>JSON for people: indented when it parses, as sent when it does not.</summary>
internal static class Json
{
    // Letters and punctuation as written (the default encoder escapes all but ASCII, and <>&'+ for HTML): the text goes to a
    // terminal, never into a page, and TerminalText escapes what a terminal would act on.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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
