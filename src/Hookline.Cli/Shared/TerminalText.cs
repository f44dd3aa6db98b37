using System.Globalization;
using System.Text;

namespace Hookline.Cli.Shared;

/// <summary>
/// Text from the other side (bodies, paths, headers, error messages) made safe for a terminal: control characters are written as
/// <c>\u001B</c>-style escapes, as System.Text.Json writes them, so a sender cannot move the cursor, retitle the window, write the
/// clipboard (OSC 52) or fake a line.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with C0 and C1 controls, DEL and bidirectional overrides escaped; tabs stay, and line feeds when
    /// <paramref name="keepLineFeeds"/> (a body printed as a block); everything else, letters of any script included, is kept.
    /// </summary>
    public static string Escape(string text, bool keepLineFeeds = false)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (IsHarmless(c, keepLineFeeds))
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    // ESC and the C1 controls start terminal sequences and BEL ends them; a carriage return lets the text overwrite its own line;
    // bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) make it show in another order than it reads.
    private static bool IsHarmless(char c, bool keepLineFeeds) => c switch
    {
        '\t' => true,
        '\n' => keepLineFeeds,
        >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => false,
        _ => !char.IsControl(c),
    };
}
