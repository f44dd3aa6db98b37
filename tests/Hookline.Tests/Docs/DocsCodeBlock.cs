using System.Text.RegularExpressions;

namespace Hookline.Tests.Docs;

/// <summary>
/// A <c>```csharp</c> block of a Markdown page: where it is, its text, and why it is not compiled, if it is not. The rules are
/// <see cref="DocsCodeBlocksTests"/>'s.
/// </summary>
/// <param name="Page">The page, relative to the repository's root with forward slashes (<c>docs/delivering.md</c>).</param>
/// <param name="Line">The line of the page on which the block's code starts (the line after its opening fence), from 1.</param>
/// <param name="Code">The code, without its fences.</param>
/// <param name="NotCompiled">The reason given by a <c>&lt;!-- not compiled: reason --&gt;</c> line before the block, or null.</param>
internal sealed partial record DocsCodeBlock(string Page, int Line, string Code, string? NotCompiled)
{
    /// <summary>
    /// README sections whose blocks the packaging tests build and run in a new app (and which need packages these tests lack).
    /// </summary>
    public static readonly string[] ReadmeSectionsCompiledElsewhere = ["Install", "Quick start"];

    /// <summary>The pages whose C# blocks compile: README.md and every page of docs/.</summary>
    public static IReadOnlyList<string> Pages { get; } =
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(TestEnvironment.RepositoryRoot, "docs"), "*.md")
            .Select(path => "docs/" + Path.GetFileName(path))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Every C# block of every page, README's Install and Quick start sections left out.</summary>
    public static IReadOnlyList<DocsCodeBlock> All { get; } = [.. Pages.SelectMany(Read)];

    /// <summary>The lines of <paramref name="page"/> that open a fence in a language other than <c>csharp</c> that is still C#.</summary>
    public static IEnumerable<int> OtherCSharpFences(string page) =>
        Lines(page).Select((line, index) => (line, index))
            .Where(l => OtherCSharpFence().IsMatch(l.line))
            .Select(l => l.index + 1);

    private static IEnumerable<DocsCodeBlock> Read(string page)
    {
        var lines = Lines(page);
        var section = "";
        string? marker = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
            }

            if (NotCompiledMarker().Match(line) is { Success: true } match)
            {
                marker = match.Groups["reason"].Value.Trim();
                continue;
            }

            // A fence may be indented, inside a list item; its code is then indented as much.
            var indent = line.Length - line.TrimStart(' ').Length;
            if (!line.TrimStart(' ').StartsWith("```", StringComparison.Ordinal))
            {
                marker = line.Trim().Length == 0 ? marker : null; // A marker stands right before its block, blank lines apart.
                continue;
            }

            var language = line.Trim()[3..].Trim();
            var end = Array.FindIndex(lines, i + 1, l => l.TrimStart(' ').StartsWith("```", StringComparison.Ordinal));
            Assert.True(end > i, $"{page}({i + 1}): the code block is not closed.");
            var skipped = page == "README.md" && ReadmeSectionsCompiledElsewhere.Contains(section);
            if (language == "csharp" && !skipped)
            {
                var code = lines[(i + 1)..end].Select(l => l[Math.Min(indent, l.Length - l.TrimStart(' ').Length)..]);
                yield return new DocsCodeBlock(page, i + 2, string.Join('\n', code), marker);
            }

            marker = null;
            i = end;
        }
    }

    private static string[] Lines(string page) =>
        File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, page)).ReplaceLineEndings("\n").Split('\n');

    [GeneratedRegex(@"^\s*<!--\s*not compiled:(?<reason>.*)-->\s*$")]
    private static partial Regex NotCompiledMarker();

    [GeneratedRegex(@"^\s*```\s*(cs|c#|C#|CSharp|csharp-\S*)\s*$")]
    private static partial Regex OtherCSharpFence();
}
