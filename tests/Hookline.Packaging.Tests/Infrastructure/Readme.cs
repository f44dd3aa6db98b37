namespace Hookline.Tests;

/// <summary>The repository's README.md and docs/ pages, read the way a newcomer follows them: their sections' code blocks.</summary>
internal static class Readme
{
    public static string Text { get; } = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "README.md"));

    /// <summary>The first <paramref name="language"/> code block of the section titled <paramref name="heading"/>.</summary>
    public static string CodeBlock(string heading, string language) => CodeBlock(Text, "README.md", heading, language);

    /// <summary>The first <paramref name="language"/> code block of the section titled <paramref name="heading"/> of a page of docs/.</summary>
    public static string DocsCodeBlock(string page, string heading, string language) =>
        CodeBlock(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", page)), $"docs/{page}", heading, language);

    private static string CodeBlock(string text, string file, string heading, string language)
    {
        var section = text.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(section >= 0, $"{file} has no '## {heading}' section.");
        var next = text.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        var body = text[section..(next < 0 ? text.Length : next)];
        var fence = $"```{language}\n";
        var start = body.IndexOf(fence, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{file}'s '{heading}' section has no {language} code block.");
        start += fence.Length;
        return body[start..body.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>The <c>dotnet add package</c> lines of the Install section, without their comments.</summary>
    public static IReadOnlyList<string> InstallCommands() =>
        [.. CodeBlock("Install", "bash").Split('\n')
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.StartsWith("dotnet add package ", StringComparison.Ordinal))];
}
