using Hookline.Cli.Shared;

namespace Hookline.Cli.Tests.Shared;

public sealed class JsonTests
{
    [Fact]
    public void Pretty_LettersAndPunctuation_AreShownAsWritten() =>
        Assert.Equal(
            "{\n  \"name\": \"José <jose@example.com> & 日本 +1\"\n}",
            Json.Pretty("""{"name":"José <jose@example.com> & 日本 +1"}"""));

    [Fact]
    public void Pretty_ControlCharactersInStrings_StayJsonEscapes() =>
        Assert.Equal("[\n  \"\\u001B]52;c;aGk=\\u0007\"\n]", Json.Pretty("""["\u001b]52;c;aGk=\u0007"]"""));
}
