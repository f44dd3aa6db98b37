using Hookline.Cli.Shared;

namespace Hookline.Cli.Tests.Shared;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain text, {\"json\": [1, 2]} <>&'+\\", "plain text, {\"json\": [1, 2]} <>&'+\\")]
    [InlineData("café, Straße, Ελλάδα, 日本語, 🙂", "café, Straße, Ελλάδα, 日本語, 🙂")]
    [InlineData("a\tb", "a\tb")]
    [InlineData("one\ntwo", "one\\u000Atwo")]
    [InlineData("verified\rforged", "verified\\u000Dforged")]
    [InlineData("\u001b[2J\u001b[31mred", "\\u001B[2J\\u001B[31mred")]
    [InlineData("\u001b]52;c;aGk=\u0007", "\\u001B]52;c;aGk=\\u0007")]
    [InlineData("\u001b]0;title\u001b\\", "\\u001B]0;title\\u001B\\")]
    [InlineData("\u009b2J \u009d52;c;aGk=\u009c \u0085", "\\u009B2J \\u009D52;c;aGk=\\u009C \\u0085")]
    [InlineData("\0\u0008\u007f", "\\u0000\\u0008\\u007F")]
    [InlineData("abc\u202edcba \u2066x\u2069", "abc\\u202Edcba \\u2066x\\u2069")]
    public void Escape_Line_EscapesControlsAndKeepsText(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    [Theory]
    [InlineData("{\n  \"a\": 1\n}", "{\n  \"a\": 1\n}")]
    [InlineData("line\r\nnext\u001b[1A", "line\\u000D\nnext\\u001B[1A")]
    public void Escape_Block_KeepsLineFeedsAndEscapesTheRest(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text, keepLineFeeds: true));
}
