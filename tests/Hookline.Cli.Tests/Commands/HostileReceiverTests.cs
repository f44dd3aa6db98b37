namespace Hookline.Cli.Tests.Commands;

/// <summary><c>listen</c> and <c>send</c> facing the other side's bytes: printed escaped, redirects not followed.</summary>
public sealed class HostileReceiverTests
{
    // Writes the clipboard (OSC 52, ended by BEL) and clears the screen (CSI as the C1 control U+009B); the letters stay letters.
    private const string Hostile = "\u001b]52;c;aGk=\u0007 \u009b2J café";
    private const string Escaped = "\\u001B]52;c;aGk=\\u0007 \\u009B2J café";

    [Fact]
    public async Task Listen_PathAndBodyWithTerminalEscapes_PrintsThemEscaped()
    {
        await using var listen = Cli.Start("listen", "--port", "0", "--secret", WebhookSecret.Generate(), "--path", "/hooks");
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        using var http = new HttpClient();
        using var response = await http.PostAsync(url + "/evil%1B%5D0;title%07", new StringContent(Hostile));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        var refused = await listen.WaitForLineAsync("refused", Cli.Timeout);
        Assert.Contains("event=evil\\u001B]0;title\\u0007", refused, StringComparison.Ordinal);
        Assert.Contains(Escaped, listen.Output, StringComparison.Ordinal);
        AssertNoControlCharacters(listen.Output);
    }

    [Fact]
    public async Task Send_ResponseWithTerminalEscapes_PrintsThemEscaped()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(StatusCodes.Status400BadRequest, Hostile));

        var (exitCode, output) = await Cli.RunAsync("send", receiver.Url, "--secret", WebhookSecret.Generate(), "--data", "{}");

        Assert.Equal(1, exitCode);
        Assert.Contains(Escaped, output, StringComparison.Ordinal);
        AssertNoControlCharacters(output);
    }

    [Fact]
    public async Task Send_ReceiverRedirects_IsNotFollowedAndNotDelivered()
    {
        await using var elsewhere = await TestReceiver.StartAsync();
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = elsewhere.Url;
            return Task.CompletedTask;
        });

        var (exitCode, output) = await Cli.RunAsync("send", receiver.Url, "--secret", WebhookSecret.Generate(), "--data", "{}");

        Assert.Equal(1, exitCode);
        Assert.Contains("307 Temporary Redirect", output, StringComparison.Ordinal);
        Assert.Contains($"Location: {elsewhere.Url}", output, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
        Assert.Empty(elsewhere.Requests);
    }

    private static void AssertNoControlCharacters(string output) =>
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n' && c != '\t');
}
