using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Cli.Tests.Commands;

/// <summary>
/// <c>hookline poll</c> as a receiver behind a firewall runs it: a real process following a polling endpoint's feed on the running
/// sample (its management API, signed in with alice's API key), verifying, printing, and keeping its cursor in a file.
/// </summary>
public sealed class PollCommandTests
{
    [Fact]
    public async Task Poll_VerifiesAndPrintsEachMessage_AndAfterACrashGoesOnFromItsCursorFile()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var alice = sample.Alice();
        var (id, secret) = await RegisterPollingAsync(alice);
        using var folder = Fixtures.NewFolder();
        var cursorFile = folder.File("cursor");
        string[] arguments =
        [
            "poll", "--url", $"{sample.Url}/webhooks", "--endpoint", id, "--secret", secret,
            "--header", $"X-Api-Key: {SampleProcess.AliceKey}", "--cursor-file", cursorFile,
        ];
        await SubscribeAsync(alice, "rick");

        await using (var poll = Cli.Start(arguments))
        {
            var rick = await poll.WaitForLineAsync("verified msg_", Cli.Timeout);
            Assert.Matches($"^\\w+ event=new-subscription at=.+ endpoint={id}$", rick);
            await poll.WaitForLineAsync("\"username\": \"rick\"", Cli.Timeout);
            await WaitForAsync(() => File.Exists(cursorFile), "the cursor after rick saved");
            var afterRick = File.ReadAllText(cursorFile);

            // Following: a message published while it waits comes at once, and its cursor is saved once it is handled.
            await SubscribeAsync(alice, "morty");
            await poll.WaitForLineAsync("\"username\": \"morty\"", Cli.Timeout);
            await WaitForAsync(() => File.ReadAllText(cursorFile) != afterRick, "the cursor after morty saved");
            await poll.KillAsync(); // No shutdown code runs: the cursor is what it saved.
        }

        await SubscribeAsync(alice, "summer");
        var (exitCode, output) = await Cli.RunAsync([.. arguments, "--once"]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"username\": \"summer\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"username\": \"rick\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"username\": \"morty\"", output, StringComparison.Ordinal);
        var (again, againOutput) = await Cli.RunAsync([.. arguments, "--once"]);
        Assert.True(again == 0, againOutput);
        Assert.DoesNotContain("verified", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_AMessageThatDoesNotVerify_IsRefused_AndTheCursorStaysBeforeIt()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var alice = sample.Alice();
        var (id, _) = await RegisterPollingAsync(alice);
        using var folder = Fixtures.NewFolder();
        var cursorFile = folder.File("cursor");
        await SubscribeAsync(alice, "rick");

        var (exitCode, output) = await Cli.RunAsync(
            "poll", "--url", $"{sample.Url}/webhooks", "--endpoint", id, "--secret", WebhookSecret.Generate(),
            "--header", $"X-Api-Key: {SampleProcess.AliceKey}", "--cursor-file", cursorFile, "--once");

        Assert.Equal(1, exitCode);
        Assert.Contains("refused msg_", output, StringComparison.Ordinal);
        Assert.Contains("NoMatchingSignature: not handled; stopped before it", output, StringComparison.Ordinal);
        Assert.Contains("does not verify (NoMatchingSignature): check --secret", output, StringComparison.Ordinal);
        Assert.False(File.Exists(cursorFile), "The cursor passed a message that was not handled.");
    }

    [Fact]
    public async Task Poll_WhatTheApiRefuses_EndsWithItsProblemInOneLine()
    {
        await using var sample = await SampleProcess.StartAsync();
        using var alice = sample.Alice();
        using var registered = await alice.PostAsJsonAsync("/webhooks/endpoints", new { url = "http://127.0.0.1:9/hook" });
        var withUrl = (JsonNode.Parse(await registered.Content.ReadAsStringAsync())!)["id"]!.GetValue<string>();
        var secret = WebhookSecret.Generate();

        foreach (var (endpoint, key, expected) in new[]
        {
            (withUrl, SampleProcess.AliceKey, "409 Conflict: Endpoint '" + withUrl + "' has a URL"),
            ("ep_01JD3X0000000000000000000Z", SampleProcess.AliceKey, "404 Not Found: There is no 'ep_01JD3X0000000000000000000Z'."),
            (withUrl, "not-a-key", "401 Unauthorized"),
        })
        {
            var (exitCode, output) = await Cli.RunAsync(
                "poll", "--url", $"{sample.Url}/webhooks", "--endpoint", endpoint, "--secret", secret, "--header", $"X-Api-Key: {key}");

            Assert.Equal(1, exitCode);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"hookline: GET {sample.Url}/webhooks/endpoints/{endpoint}/feed: ", line, StringComparison.Ordinal);
            Assert.Contains(expected, line, StringComparison.Ordinal);
        }
    }

    private static async Task<(string Id, string Secret)> RegisterPollingAsync(HttpClient alice)
    {
        using var response = await alice.PostAsJsonAsync(
            "/webhooks/endpoints", new { polling = true, eventTypes = new[] { "new-subscription" } });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return (body["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }

    private static async Task SubscribeAsync(HttpClient alice, string username)
    {
        using var response = await alice.PostAsJsonAsync(
            "/subscriptions", new { username, monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00+00:00" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Cli.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
