// Named in full: JsonSchema.Net's global Json namespace wins over an imported type of that name.
using PrettyJson = Hookline.Cli.Shared.Json;

namespace Hookline.Cli.Tests.Shared;

public sealed class JsonTests
{
    [Fact]
    public void Pretty_LettersAndPunctuation_AreShownAsWritten() =>
        Assert.Equal(
            "{\n  \"name\": \"José <jose@example.com> & 日本 +1\"\n}",
            PrettyJson.Pretty("""{"name":"José <jose@example.com> & 日本 +1"}"""));

    [Fact]
    public void Pretty_ControlCharactersInStrings_StayJsonEscapes() =>
        Assert.Equal("[\n  \"\\u001B]52;c;aGk=\\u0007\"\n]", PrettyJson.Pretty("""["\u001b]52;c;aGk=\u0007"]"""));
}
