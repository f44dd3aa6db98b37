namespace Hookline.Cli.Tests.Commands;

/// <summary>
/// The secret or signing key kept off the command line (where <c>ps</c> and shell history show it): from <c>HOOKLINE_SECRET</c>
/// or <c>HOOKLINE_SIGNING_KEY</c>, or read from standard input with <c>--secret -</c> or <c>--signing-key -</c>.
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
        {
            "send", null, null,
            "no secret or signing key: pass --secret whsec_... or --signing-key whsk_... ('-' reads one from standard input), "
                + "or set HOOKLINE_SECRET or HOOKLINE_SIGNING_KEY"
        },
        {
            "listen", null, null,
            "no secret or public key: pass --secret whsec_... (--secret - reads it from standard input; or set HOOKLINE_SECRET) "
                + "or --public-key whpk_..."
        },
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_SigningKeyFromEnvironmentOrStandardInput_IsVerifiedByItsPublicKey(bool fromStandardInput)
    {
        var signingKey = WebhookSigningKey.Generate();
        await using var listen = Cli.Start("listen", "--port", "0", "--public-key", PublicKeyOf(signingKey));
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        string[] send = ["send", url, "--id", "msg_hidden_key", "--data", "{}"];
        var (exitCode, output) = fromStandardInput
            ? await Cli.RunWithAsync(null, signingKey + "\n", [.. send, "--signing-key", "-"])
            : await Cli.RunWithAsync(new Dictionary<string, string> { ["HOOKLINE_SIGNING_KEY"] = signingKey }, null, send);

        Assert.True(exitCode == 0, output);
        await listen.WaitForLineAsync("verified msg_hidden_key", Cli.Timeout);
        Assert.DoesNotContain(signingKey["whsk_".Length..], listen.Output + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_SecretAndSigningKeyFromStandardInput_ReadInThatOrder_BothSign()
    {
        var secret = WebhookSecret.Generate();
        var signingKey = WebhookSigningKey.Generate();
        await using var receiver = await TestReceiver.StartAsync();

        var (exitCode, output) = await Cli.RunWithAsync(
            null, $"{secret}\n{signingKey}\n", "send", receiver.Url, "--signing-key", "-", "--secret", "-", "--data", "{}");

        Assert.True(exitCode == 0, output);
        var request = Assert.Single(receiver.Requests);
        var entries = request.Headers["webhook-signature"].Split(' ');
        Assert.Equal(["v1", "v1a"], entries.Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]));
        var (id, timestamp) = (request.Headers["webhook-id"], request.Headers["webhook-timestamp"]);
        Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSecret.Parse(secret)).Verify(id, timestamp, entries[0], request.Body));
        Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSigningKey.Parse(signingKey).PublicKey).Verify(id, timestamp, entries[1], request.Body));
    }

    public static TheoryData<string?, string?, string> SigningKeyMistakes => new()
    {
        // HOOKLINE_SIGNING_KEY, standard input (then --signing-key -), what the one line says
        { "whsk_tooshort", null, "HOOKLINE_SIGNING_KEY is not a valid webhook signing key: A webhook signing key is 64 bytes" },
        {
            null, "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n",
            "--signing-key - (standard input) is not a valid webhook signing key"
        },
        { null, "", "--signing-key -: standard input ended before a signing key line" },
    };

    [Theory]
    [MemberData(nameof(SigningKeyMistakes))]
    public async Task Send_SigningKeyMissingOrMalformed_ExitsNonZeroWithOneLineNamingTheSource(
        string? environment, string? standardInput, string expected)
    {
        string[] arguments = ["send", "http://127.0.0.1:1/hooks", "--data", "{}"];
        if (standardInput is not null)
        {
            arguments = [.. arguments, "--signing-key", "-"];
        }

        var variables = environment is null ? null : new Dictionary<string, string> { ["HOOKLINE_SIGNING_KEY"] = environment };
        var (exitCode, output) = await Cli.RunWithAsync(variables, standardInput, arguments);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hookline: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("tooshort", output, StringComparison.Ordinal);
    }

    private static string PublicKeyOf(string signingKey) => WebhookSigningKey.Parse(signingKey).PublicKey.ToString();
}
