using System.Security.Cryptography;

namespace Hookline.Tests;

/// <summary>
/// docs/receiving.md's "Generate a typed receiver", followed as written: the hookline tool installed from the packed folder, a
/// receiver generated into a new <c>dotnet new web</c> app that takes Hookline.Receiving from the packed folder, its Program.cs the
/// page's code block; it builds, runs, and takes a delivery that <c>hookline send</c> signs.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class ReceivingToolTests(PackedPackages packages)
{
    private static readonly TimeSpan s_timeout = PackedPackages.CommandTimeout;

    [Fact]
    public async Task ReceivingWebhooks_AsWritten_GeneratesBuildsRunsAndTakesASignedDelivery()
    {
        var (root, app) = await packages.CreateWebAppAsync("receiving");
        var hookline = await packages.InstallToolAsync(root);
        var document = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Hookline.Cli.Tests", "Fixtures", "fastapi-webhooks.json");
        var generated = await DotnetProcess.RunAsync(
            app, [hookline, "generate", "--openapi", document, "--namespace", "MyApp.Hooks", "--output", "Hooks", "--name", "Subscriptions"], s_timeout);
        Assert.Contains("wrote   ISubscriptionsWebhooks.cs", generated, StringComparison.Ordinal);
        await DotnetProcess.RunAsync(app, ["add", "package", "Hookline.Receiving", "--version", packages.Version], s_timeout);
        var program = Readme.DocsCodeBlock("receiving.md", "Generate a typed receiver", "csharp");
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);
        await DotnetProcess.RunAsync(app, ["build"], s_timeout);

        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var receiver = DotnetProcess.Start(
            app,
            ["run", "--no-build", "--no-launch-profile", "--", "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["WebhookReceiving__Secrets__0"] = secret });
        var url = await receiver.WaitForLineAsync("Now listening on:", s_timeout);
        const string Data = """{"username":"rick","monthly_fee":9.99,"start_date":"2026-11-23T10:00:00+00:00"}""";

        var sent = await DotnetProcess.RunAsync(
            app, [hookline, "send", $"{url}/hooks", "--secret", secret, "--event", "new-subscription", "--data", Data], s_timeout);
        await using var forged = DotnetProcess.Start(
            app, [hookline, "send", $"{url}/hooks", "--secret", "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                "--event", "new-subscription", "--data", Data]);

        Assert.Contains("204 No Content", sent, StringComparison.Ordinal);
        Assert.Equal(1, await forged.WaitForExitAsync(s_timeout));
        Assert.Contains("401 Unauthorized", forged.Output, StringComparison.Ordinal);
        // The handler's log line: every field typed (a double, a DateTimeOffset) and equal to what was sent.
        Assert.Equal("at 9.99 a month from 2026-11-23 10:00:00Z", await receiver.WaitForLineAsync("rick subscribed", s_timeout));
    }
}
