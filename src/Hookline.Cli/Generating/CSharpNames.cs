using System.Globalization;
using System.Text;

namespace Hookline.Cli.Generating;

/// <summary>C# identifiers and literals from the names and texts an OpenAPI document holds.</summary>
internal static class CSharpNames
{
    /// <summary>What ends a line in C# source: CR, LF, NEL, and the Unicode line and paragraph separators.</summary>
    private static readonly char[] s_lineTerminators = ['\r', '\n', '\u0085', '\u2028', '\u2029'];

    /// <summary>
    /// PascalCase: words split at anything not a letter or digit, each word's first letter upper-cased, the rest kept
    /// (<c>monthly_fee</c> → <c>MonthlyFee</c>, <c>startDate</c> → <c>StartDate</c>,
    /// <c>new-subscription</c> → <c>NewSubscription</c>).
    /// A name that would start with a digit gets a leading <c>_</c>; one with no letter or digit is <paramref name="fallback"/>.
    /// </summary>
    public static string ToPascalCase(string text, string fallback = "Value")
    {
        var name = new StringBuilder(text.Length);
        var startOfWord = true;
        foreach (var c in text)
        {
            if (!IsIdentifierPart(c))
            {
                startOfWord = true;
                continue;
            }

            name.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }

        if (name.Length == 0)
        {
            return fallback;
        }

        return char.IsDigit(name[0]) ? "_" + name : name.ToString();
    }

    /// <summary>
    /// The first of <paramref name="name"/>, <paramref name="name"/>2, <paramref name="name"/>3... not yet taken; takes it.
    /// </summary>
    public static string Unique(string name, ISet<string> taken)
    {
        var candidate = name;
        for (var i = 2; !taken.Add(candidate); i++)
        {
            candidate = name + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>A C# string literal for <paramref name="text"/>, escaped.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => literal.Append("\\\""),
                '\\' => literal.Append("\\\\"),
                '\n' => literal.Append("\\n"),
                '\r' => literal.Append("\\r"),
                '\t' => literal.Append("\\t"),
                _ when char.IsControl(c) || char.IsSurrogate(c) || c > '~' =>
                    literal.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => literal.Append(c),
            };
        }

        return literal.Append('"').ToString();
    }

    /// <summary>
    /// Text of a document (which a third party may have written) for comments, as its lines: split at every C# line terminator,
    /// as any of them ends a <c>//</c> comment and what follows it would be code; other control characters made spaces; lines
    /// trimmed, blank ones dropped.
    /// </summary>
    public static IEnumerable<string> CommentLines(string text) =>
        new string([.. text.Select(c => char.IsControl(c) && !s_lineTerminators.Contains(c) ? ' ' : c)])
            .Split(s_lineTerminators)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0);

    /// <summary>Text for an XML doc comment: markup escaped, then as <see cref="CommentLines"/>.</summary>
    public static IEnumerable<string> DocLines(string text) =>
        CommentLines(text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal));

    private static bool IsIdentifierPart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}
