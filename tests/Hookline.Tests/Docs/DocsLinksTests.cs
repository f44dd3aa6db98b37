using System.Text.RegularExpressions;

namespace Hookline.Tests.Docs;

/// <summary>
/// The links of README.md and docs/*.md that stay in the repository lead somewhere: the file exists, and a <c>#fragment</c> names a
/// heading of that page (as GitHub makes its anchor) or an <c>&lt;a id&gt;</c> in it.
/// </summary>
public sealed partial class DocsLinksTests
{
    [Fact]
    public void Links_InTheRepository_LeadToFilesAndHeadingsThatExist()
    {
        var broken = new List<string>();
        foreach (var page in DocsCodeBlock.Pages)
        {
            var lines = Lines(page);
            var inCode = false;
            for (var i = 0; i < lines.Length; i++)
            {
                inCode ^= lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal);
                if (inCode)
                {
                    continue;
                }

                foreach (Match link in Link().Matches(lines[i]))
                {
                    var target = link.Groups["target"].Value;
                    if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var (path, fragment) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
                    var file = path.Length == 0
                        ? page
                        : Path.GetRelativePath(TestEnvironment.RepositoryRoot, Path.GetFullPath(
                            Path.Combine(TestEnvironment.RepositoryRoot, Path.GetDirectoryName(page)!, path))).Replace('\\', '/');
                    var full = Path.Combine(TestEnvironment.RepositoryRoot, file);
                    if (!File.Exists(full) && !Directory.Exists(full))
                    {
                        broken.Add($"{page}({i + 1}): {target}: no file {file}");
                    }
                    else if (fragment.Length > 0 && (!file.EndsWith(".md", StringComparison.Ordinal) || !Anchors(file).Contains(fragment)))
                    {
                        broken.Add($"{page}({i + 1}): {target}: {file} has no heading or anchor '{fragment}'");
                    }
                }
            }
        }

        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    /// <summary>
    /// The anchors of a page: its headings as GitHub makes them (lower case, punctuation dropped, spaces to hyphens), and its
    /// <c>a id</c>s.
    /// </summary>
    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in Lines(page))
        {
            inCode ^= line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (!inCode && Heading().Match(line) is { Success: true } heading)
            {
                var text = heading.Groups["text"].Value.Replace("`", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
                anchors.Add(NotInAnchor().Replace(text, "").Replace(' ', '-'));
            }

            foreach (Match id in AnchorId().Matches(line))
            {
                anchors.Add(id.Groups["id"].Value);
            }
        }

        return anchors;
    }

    private static string[] Lines(string page) =>
        File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, page)).ReplaceLineEndings("\n").Split('\n');

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex NotInAnchor();

    [GeneratedRegex(@"<a id=""(?<id>[^""]+)""")]
    private static partial Regex AnchorId();
}
