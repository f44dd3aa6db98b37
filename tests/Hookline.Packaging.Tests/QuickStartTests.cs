using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hookline.Tests;

/// <summary>
/// The README's Install and Quick start, followed as written by a newcomer: a new <c>dotnet new web</c> app takes the
/// packages from the packed folder, its Program.cs is the quick start's code block, and it delivers a webhook that the
/// official Standard Webhooks library verifies.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class QuickStartTests(PackedPackages packages)
{
    private static readonly TimeSpan s_timeout = PackedPackages.CommandTimeout;

    [RequiresFact(Requirement.NodeTools)]
    public async Task QuickStart_AsWritten_BuildsRunsAndDeliversAVerifiedWebhook()
    {
        var app = await CreateAppAsync();
        var token = (await DotnetProcess.RunAsync(app, ["user-jwts", "create", "--name", "alice", "--output", "token"], s_timeout)).Trim();
        await DotnetProcess.RunAsync(app, ["build"], s_timeout);

        await using var running = DotnetProcess.Start(
            app,
            ["run", "--no-build", "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Webhooks__Delivery__AllowedNetworks__0"] = "127.0.0.0/8" });
        using var http = new HttpClient { BaseAddress = new Uri(await running.WaitForLineAsync("Now listening on:", s_timeout)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("webhooks").TryGetProperty("new-subscription", out _), document.ToString());

        // Registered through the management API; the receiver needs the secret, so it takes its URL afterwards.
        var registered = await ReadAsync(await http.PostAsJsonAsync("/webhooks/endpoints", new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "new-subscription" } }), HttpStatusCode.Created);
        var endpointId = registered.GetProperty("id").GetString()!;
        await using var receiver = await NodeReceiver.StartAsync(registered.GetProperty("secret").GetString()!);
        await ReadAsync(await http.PutAsJsonAsync($"/webhooks/endpoints/{endpointId}", new { url = receiver.Url, eventTypes = new[] { "new-subscription" } }), HttpStatusCode.OK);

        var subscription = new { username = "rick", monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00Z" };
        await ReadAsync(await http.PostAsJsonAsync("/subscriptions", subscription), HttpStatusCode.Created);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (receiver.Lines.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var line = Assert.Single(receiver.Lines);
        Assert.StartsWith("verified msg_", line, StringComparison.Ordinal);
        Assert.Contains("\"username\":\"rick\"", line, StringComparison.Ordinal);
        var messages = await http.GetFromJsonAsync<JsonElement>("/webhooks/messages");
        var message = Assert.Single(messages.GetProperty("data").EnumerateArray());
        Assert.Equal(line.Split(' ')[1], message.GetProperty("id").GetString());

        // A payload over the webhook's limit is the caller's to fix: a ProblemDetails, and nothing published.
        var tooLarge = await http.PostAsJsonAsync("/subscriptions", subscription with { username = new string('r', 300_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        messages = await http.GetFromJsonAsync<JsonElement>("/webhooks/messages");
        Assert.Single(messages.GetProperty("data").EnumerateArray());

        // A body the app cannot read is the caller's mistake too, and a bodiless refusal still says what it is: ProblemDetails.
        using var malformed = new StringContent("""{"username":"rick","monthlyFee":"abc","startDate":"2026-11-23T10:00:00Z"}""");
        malformed.Headers.ContentType = new("application/json");
        using var notJson = new StringContent("username=rick");
        notJson.Headers.ContentType = new("application/x-www-form-urlencoded");
        var answers = new[] { await http.PostAsync("/subscriptions", malformed), await http.PostAsync("/subscriptions", notJson) };
        Assert.Equal(
            [(HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.UnsupportedMediaType, "application/problem+json")],
            answers.Select(a => (a.StatusCode, a.Content.Headers.ContentType?.MediaType)));
    }

    /// <summary>A new web app in a folder whose NuGet settings take Hookline from the packed folder, set up with the README's Install lines.</summary>
    private async Task<string> CreateAppAsync()
    {
        var (_, app) = await packages.CreateWebAppAsync("quick-start");
        var install = Readme.InstallCommands();
        Assert.Contains("dotnet add package Hookline", install);
        Assert.Contains("dotnet add package Hookline.Sqlite", install);
        foreach (var command in install)
        {
            await DotnetProcess.RunAsync(app, command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1), s_timeout);
        }

        var project = await File.ReadAllTextAsync(Path.Combine(app, "app.csproj"));
        Assert.Contains($"<PackageReference Include=\"Hookline\" Version=\"{packages.Version}\" />", project, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Readme.CodeBlock("Quick start", "csharp"));
        return app;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
