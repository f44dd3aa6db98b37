namespace Hookline.Tests.Conventions;

/// <summary>The line length of .editorconfig (<c>max_line_length</c>), kept in the packages' sources.</summary>
public class SourceLineTests
{
    private const int MaxLength = 140;

    [Fact]
    public void SourceLines_AreAtMostTheEditorConfigLimit()
    {
        var editorConfig = File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, ".editorconfig"));
        Assert.Contains($"max_line_length = {MaxLength}", editorConfig);

        var src = Path.Combine(TestEnvironment.RepositoryRoot, "src");
        var tooLong = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(src, f), Line: i + 1, line.Length)))
            .Where(l => l.Length > MaxLength)
            .Select(l => $"{l.File}:{l.Line} ({l.Length})")
            .ToList();

        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines over {MaxLength} characters:\n{string.Join('\n', tooLong)}");
    }
}
