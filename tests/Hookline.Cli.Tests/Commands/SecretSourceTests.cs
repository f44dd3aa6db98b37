namespace Hookline.Cli.Tests.Commands;

/// <summary>
/// The secret kept off the command line (where <c>ps</c> and shell history show it): from <c>HOOKLINE_SECRET</c>, or read from
/// standard input with <c>--secret -</c>.
/// </summary>
public sealed class SecretSourceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListenAndSend_SecretFromEnvironmentOrStandardInput_IsVerified(bool listenReadsStandardInput)
    {
        var secret = WebhookSecret.Generate();
        var environment = new Dictionary<string, string> { ["HOOKLINE_SECRET"] = secret };
        await using var listen = listenReadsStandardInput
            ? Cli.StartWith(null, secret + "\n", "listen", "--port", "0", "--secret", "-")
            : Cli.StartWith(environment, null, "listen", "--port", "0");
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        string[] send = ["send", url, "--id", "msg_hidden", "--data", "{}"];
        var (exitCode, output) = listenReadsStandardInput
            ? await Cli.RunWithAsync(environment, null, send)
            : await Cli.RunWithAsync(null, secret + "\n", [.. send, "--secret", "-"]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("204 No Content", output, StringComparison.Ordinal);
        await listen.WaitForLineAsync("verified msg_hidden", Cli.Timeout);
        Assert.DoesNotContain(secret, listen.Output + output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string?, string> Mistakes => new()
    {
        // command, HOOKLINE_SECRET, standard input (then --secret -), what the one line says
        { "send", null, null, "no secret: pass --secret whsec_..., --secret - to read it from standard input, or set HOOKLINE_SECRET" },
        { "listen", null, null, "no secret: pass --secret whsec_..., --secret - to read it from standard input, or set HOOKLINE_SECRET" },
        { "send", "whsec_tooshort", null, "HOOKLINE_SECRET is not a valid webhook secret" },
        { "listen", "not-a-secret", null, "HOOKLINE_SECRET is not a valid webhook secret" },
        { "send", null, "whsec_tooshort\n", "--secret - (standard input) is not a valid webhook secret" },
        { "listen", null, "", "--secret -: standard input ended before a secret line" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Secret_MissingOrMalformed_ExitsNonZeroWithOneLineNamingTheSource(
        string command, string? environment, string? standardInput, string expected)
    {
        string[] arguments = command == "send" ? ["send", "http://127.0.0.1:1/hooks", "--data", "{}"] : ["listen", "--port", "0"];
        if (standardInput is not null)
        {
            arguments = [.. arguments, "--secret", "-"];
        }

        var variables = environment is null ? null : new Dictionary<string, string> { ["HOOKLINE_SECRET"] = environment };
        var (exitCode, output) = await Cli.RunWithAsync(variables, standardInput, arguments);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hookline: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        if ((environment ?? standardInput)?.Trim() is { Length: > 0 } secret)
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }
}
