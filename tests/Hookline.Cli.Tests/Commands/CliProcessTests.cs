namespace Hookline.Cli.Tests.Commands;

/// <summary>The <c>hookline</c> tool as its users run it: real processes, talking over loopback.</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task Generate_FastApiDocument_WritesAReceiverThatCompiles_AndRerunChangesNothing()
    {
        using var folder = Fixtures.NewFolder();
        string[] arguments = ["generate", "--openapi", Fixtures.FastApiPath, "--namespace", "Acme.Hooks", "--output", folder.Path];

        var (exitCode, output) = await Cli.RunAsync(arguments);
        var (again, againOutput) = await Cli.RunAsync(arguments);

        Assert.True(exitCode == 0, output);
        Assert.Contains("wrote   Subscription.cs", output, StringComparison.Ordinal);
        Assert.Contains("app.MapFastAPIWebhooks(\"/hooks\")", output, StringComparison.Ordinal);
        Assert.Equal(["FastAPIWebhooksEndpointRouteBuilderExtensions.cs", "FastAPIWebhooksJson.cs", "IFastAPIWebhooks.cs", "Subscription.cs"],
            Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.NotNull(GeneratedCode.CompileFolder(folder.Path).GetType("Acme.Hooks.IFastAPIWebhooks"));
        Assert.True(again == 0, againOutput);
        Assert.Contains("0 written, 4 unchanged, 0 removed", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenAndSend_RightSecretIsVerified204_WrongSecretIsRefused401()
    {
        var secret = WebhookSecret.Generate();
        await using var listen = Cli.Start("listen", "--port", "0", "--secret", secret, "--path", "/hooks");
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

        var (sent, sentOutput) = await Cli.RunAsync(
            "send", url, "--secret", secret, "--event", "new-subscription", "--id", "msg_right",
            "--data", """{"username":"rick","monthly_fee":9.99}""");
        var (forged, forgedOutput) = await Cli.RunAsync(
            "send", url, "--secret", WebhookSecret.Generate(), "--event", "new-subscription", "--id", "msg_wrong", "--data", "{}");

        Assert.True(sent == 0, sentOutput);
        Assert.Contains("204 No Content", sentOutput, StringComparison.Ordinal);
        Assert.Equal(1, forged);
        Assert.Contains("401 Unauthorized", forgedOutput, StringComparison.Ordinal);
        Assert.Contains("NoMatchingSignature", forgedOutput, StringComparison.Ordinal);
        var verified = await listen.WaitForLineAsync("verified msg_right", Cli.Timeout);
        Assert.StartsWith("event=new-subscription (from the path) at=", verified, StringComparison.Ordinal);
        Assert.Contains("\"monthly_fee\": 9.99", listen.Output, StringComparison.Ordinal);
        Assert.StartsWith("event=new-subscription", await listen.WaitForLineAsync("refused msg_wrong", Cli.Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenAndSend_SigningKeyAndItsPublicKey_Verified204_AnotherKeyIsRefused401()
    {
        var signingKey = WebhookSigningKey.Generate();
        var publicKey = WebhookSigningKey.Parse(signingKey).PublicKey.ToString();
        await using var listen = Cli.Start("listen", "--port", "0", "--public-key", publicKey);
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        var (sent, sentOutput) = await Cli.RunAsync("send", url, "--signing-key", signingKey, "--id", "msg_v1a", "--data", "{}");
        var (forged, forgedOutput) = await Cli.RunAsync(
            "send", url, "--signing-key", WebhookSigningKey.Generate(), "--id", "msg_forged", "--data", "{}");

        Assert.True(sent == 0, sentOutput);
        Assert.Contains("204 No Content", sentOutput, StringComparison.Ordinal);
        Assert.Equal(1, forged);
        Assert.Contains("NoMatchingSignature", forgedOutput, StringComparison.Ordinal);
        await listen.WaitForLineAsync("verified msg_v1a", Cli.Timeout);
        await listen.WaitForLineAsync("refused msg_forged", Cli.Timeout);
    }

    [Theory]
    [InlineData("--secret")]
    [InlineData("--public-key")]
    public async Task ListenAndSend_HeaderWithBothSchemes_IsVerifiedByAListenerOfEither(string listenerHas)
    {
        var secret = WebhookSecret.Generate();
        var signingKey = WebhookSigningKey.Generate();
        var accepted = listenerHas == "--secret" ? secret : WebhookSigningKey.Parse(signingKey).PublicKey.ToString();
        await using var listen = Cli.Start("listen", "--port", "0", listenerHas, accepted);
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        var (exitCode, output) = await Cli.RunAsync(
            "send", url, "--secret", secret, "--signing-key", signingKey, "--id", "msg_both", "--data", "{}");

        Assert.True(exitCode == 0, output);
        await listen.WaitForLineAsync("verified msg_both", Cli.Timeout);
    }

    [Fact]
    public async Task Send_DataFromAFile_IsSentAsWritten()
    {
        var secret = WebhookSecret.Generate();
        using var folder = Fixtures.NewFolder();
        File.WriteAllText(folder.File("body.json"), """{ "type": "invoice.paid", "data": { "amount": 12.5 } }""");
        await using var listen = Cli.Start("listen", "--port", "0", "--secret", secret);
        var url = (await listen.WaitForLineAsync("Listening on", Cli.Timeout)).Split(' ')[0];

        var (exitCode, output) = await Cli.RunAsync("send", url, "--secret", secret, "--id", "msg_file", "--data", "@" + folder.File("body.json"));

        Assert.True(exitCode == 0, output);
        Assert.StartsWith("event=invoice.paid at=", await listen.WaitForLineAsync("verified msg_file", Cli.Timeout), StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["generate", "--openapi", "{no-webhooks}", "--namespace", "Acme", "--output", "{out}"], "no-webhooks.json has no webhooks" },
        { ["generate", "--openapi", "{not-openapi}", "--namespace", "Acme", "--output", "{out}"], "not-openapi.json is not" },
        { ["generate", "--openapi", "http://127.0.0.1:1/openapi/v1.json", "--namespace", "Acme", "--output", "{out}"],
            "http://127.0.0.1:1/openapi/v1.json could not be reached" },
        { ["generate", "--openapi", "{fastapi}", "--namespace", "Acme..Hooks", "--output", "{out}"], "'Acme..Hooks' is not a C# namespace" },
        { ["send", "http://127.0.0.1:1/hooks", "--secret", "whsec_tooshort", "--data", "{}"], "--secret is not a valid webhook secret" },
        { ["send", "http://127.0.0.1:1/hooks", "--secret", "{secret}", "--data", "{not json"], "--data is not valid JSON" },
        {
            ["send", "http://127.0.0.1:1/hooks", "--secret", "{secret}", "--data", "@/nonexistent/body.json"],
            "--data @/nonexistent/body.json: the file could not be read"
        },
        { ["send", "http://127.0.0.1:1/hooks", "--secret", "{secret}", "--data", "{}"], "http://127.0.0.1:1/hooks could not be reached" },
        {
            // Error texts reach the terminal escaped, whatever they quote.
            ["send", "http://127.0.0.1:1/hooks", "--secret", "{secret}", "--data", "@/nonexistent/\u001b]0;title\u0007.json"],
            "--data @/nonexistent/\\u001B]0;title\\u0007.json: the file could not be read"
        },
        { ["listen", "--port", "0", "--secret", "secret"], "--secret is not a valid webhook secret" },
        {
            ["send", "http://127.0.0.1:1/hooks", "--signing-key", "{public-key}", "--data", "{}"],
            "--signing-key is not a valid webhook signing key: This is a public key ('whpk_'), which verifies"
        },
        {
            ["listen", "--port", "0", "--public-key", "{signing-key}"],
            "--public-key is not a valid webhook public key: This is a signing key ('whsk_'), which stays with the sender"
        },
        {
            ["poll", "--url", "http://127.0.0.1:1/webhooks", "--endpoint", "ep_x", "--secret", "{secret}", "--once"],
            "http://127.0.0.1:1/webhooks/endpoints/ep_x/feed could not be read"
        },
        { ["poll", "--url", "ftp://example/webhooks", "--endpoint", "ep_x", "--secret", "{secret}"], "is not an http or https URL" },
        { ["poll", "--url", "http://127.0.0.1:1/webhooks", "--endpoint", "ep_x", "--secret", "whsec_x"], "--secret is not a valid" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Mistake_ExitsNonZeroWithOneClearLineAndNoStackTrace(string[] arguments, string expected)
    {
        using var folder = Fixtures.NewFolder();
        File.WriteAllText(folder.File("no-webhooks.json"), """{"openapi":"3.1.0","info":{"title":"T","version":"1"},"paths":{}}""");
        File.WriteAllText(folder.File("not-openapi.json"), """{"hello":"world"}""");
        var secret = WebhookSecret.Generate();
        var signingKey = WebhookSigningKey.Generate();
        string Fill(string argument) => argument
            .Replace("{no-webhooks}", folder.File("no-webhooks.json"), StringComparison.Ordinal)
            .Replace("{not-openapi}", folder.File("not-openapi.json"), StringComparison.Ordinal)
            .Replace("{fastapi}", Fixtures.FastApiPath, StringComparison.Ordinal)
            .Replace("{out}", folder.File("out"), StringComparison.Ordinal)
            .Replace("{secret}", secret, StringComparison.Ordinal)
            .Replace("{signing-key}", signingKey, StringComparison.Ordinal)
            .Replace("{public-key}", WebhookSigningKey.Parse(signingKey).PublicKey.ToString(), StringComparison.Ordinal);

        var (exitCode, output) = await Cli.RunAsync([.. arguments.Select(Fill)]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hookline: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(signingKey["whsk_".Length..], output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")), "Nothing is written when generation fails.");
    }

    [Theory]
    [InlineData(new[] { "--help" }, "hookline [command] [options]")]
    [InlineData(new[] { "send", "--help" }, "hookline send <url> [options]")]
    public async Task Help_NamesTheToolAsItIsInstalled(string[] arguments, string usage)
    {
        var (exitCode, output) = await Cli.RunAsync(arguments);

        Assert.Equal(0, exitCode);
        Assert.Contains(usage, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hookline.Cli", output, StringComparison.Ordinal);
    }
}
