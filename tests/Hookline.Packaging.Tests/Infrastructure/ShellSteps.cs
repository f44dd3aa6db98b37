using System.Text.RegularExpressions;

namespace Hookline.Tests;

/// <summary>
/// A README's bash block read as the commands a reader types: continued lines joined, comments and a trailing <c>&amp;</c>
/// dropped, single quotes removed, a <c>NAME=$(...)</c> capture unwrapped.
/// </summary>
internal sealed partial class ShellSteps(string block)
{
    private readonly string[] _commands =
    [
        .. block.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(line => Comment().Replace(line, "").Trim().TrimEnd('&').Trim())
            .Where(line => line.Length > 0),
    ];

    /// <summary>The one command that contains <paramref name="text"/>.</summary>
    public string Command(string text)
    {
        var matches = _commands.Where(c => c.Contains(text, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"The README's block has {matches.Count} commands with '{text}':\n{string.Join('\n', _commands)}");
        return matches[0];
    }

    /// <summary>The words of the command that contains <paramref name="text"/>, and the variables it sets for itself.</summary>
    public (Dictionary<string, string> Environment, List<string> Words) Words(string text)
    {
        var command = Command(text);
        if (Capture().Match(command) is { Success: true } captured)
        {
            command = captured.Groups[1].Value;
        }

        var words = Word().Matches(command).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();
        var environment = words.TakeWhile(w => Assignment().IsMatch(w)).ToDictionary(w => w.Split('=')[0], w => w[(w.IndexOf('=') + 1)..]);
        return (environment, words[environment.Count..]);
    }

    /// <summary>The body (<c>-d '...'</c>) of the curl command that contains <paramref name="text"/>.</summary>
    public string Body(string text) => Data().Match(Command(text)) is { Success: true } data
        ? data.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"The README's command with '{text}' has no -d '...' body.");

    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\w+=\$\((.*)\)$")]
    private static partial Regex Capture();

    [GeneratedRegex(@"'([^']*)'|(\S+)")]
    private static partial Regex Word();

    [GeneratedRegex(@"^\w+=\S*$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"-d '([^']*)'")]
    private static partial Regex Data();
}
