using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hookline.Tests;

/// <summary>
/// The README's Install and Quick start, followed as written by a newcomer: a new <c>dotnet new web</c> app takes the
/// packages from the packed folder, its Program.cs is the quick start's code block, and the commands of its "Try it" block
/// deliver a webhook that <c>hookline listen</c> verifies and prints as the README says.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class QuickStartTests(PackedPackages packages)
{
    private static readonly TimeSpan s_timeout = PackedPackages.CommandTimeout;

    [Fact]
    public async Task QuickStart_AsWritten_BuildsRunsAndDeliversAVerifiedWebhookToHooklineListen()
    {
        var (root, app) = await CreateAppAsync();
        var steps = new ShellSteps(Readme.CodeBlock("Quick start", "bash"));
        Assert.Equal("dotnet tool install --global Hookline.Cli", steps.Command("dotnet tool install"));
        var hookline = await packages.InstallToolAsync(root);
        var token = (await DotnetProcess.RunAsync(app, steps.Words("dotnet user-jwts").Words.Skip(1), s_timeout)).Trim();
        await DotnetProcess.RunAsync(app, ["build"], s_timeout);

        // `dotnet run`, with the README's environment, on a free port rather than 5000.
        var (environment, run) = steps.Words("dotnet run");
        Assert.Equal(["dotnet", "run", "--urls", "http://localhost:5000"], run);
        await using var running = DotnetProcess.Start(app, ["run", "--no-build", "--urls", "http://127.0.0.1:0"], environment);
        using var http = new HttpClient { BaseAddress = new Uri(await running.WaitForLineAsync("Now listening on:", s_timeout)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("webhooks").TryGetProperty("new-subscription", out _), document.ToString());

        // Register, listen with the secret the registration answered, publish: in that order, with the README's bodies, the
        // README's port 9000 swapped for a free one.
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        var registration = steps.Body("/webhooks/endpoints").Replace(":9000/", $":{port}/", StringComparison.Ordinal);
        var registered = await ReadAsync(await http.PostAsync("/webhooks/endpoints", Json(registration)), HttpStatusCode.Created);
        var listen = steps.Words("hookline listen").Words
            .Select(a => a == "whsec_..." ? registered.GetProperty("secret").GetString()! : a == "9000" ? port : a);
        await using var listener = DotnetProcess.Start(app, [hookline, .. listen.Skip(1)]);
        await listener.WaitForLineAsync("Listening on", s_timeout);
        await ReadAsync(await http.PostAsync("/subscriptions", Json(steps.Body("/subscriptions"))), HttpStatusCode.Created);

        // What it prints is what the README says it prints: the verified line (`...` stands for the id and the time), then the body.
        var expected = Readme.CodeBlock("Quick start", "text").TrimEnd('\n').Split('\n');
        var verified = await listener.WaitForLineAsync("verified ", s_timeout);
        var printed = await PrintedAsync(listener, expected.Length);
        Assert.Matches("^" + Regex.Escape(expected[0]).Replace(@"\.\.\.", ".+?", StringComparison.Ordinal) + "$", printed[0]);
        Assert.Equal(expected[1..], printed[1..]);
        var messages = await http.GetFromJsonAsync<JsonElement>("/webhooks/messages");
        var message = Assert.Single(messages.GetProperty("data").EnumerateArray());
        Assert.Equal(verified.Split(' ')[0], message.GetProperty("id").GetString());

        // A payload over the webhook's limit is the caller's to fix: a ProblemDetails, and nothing published.
        var subscription = new { username = new string('r', 300_000), monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00Z" };
        var tooLarge = await http.PostAsJsonAsync("/subscriptions", subscription);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        messages = await http.GetFromJsonAsync<JsonElement>("/webhooks/messages");
        Assert.Single(messages.GetProperty("data").EnumerateArray());

        // A body the app cannot read is the caller's mistake, and a refusal says what it is: a ProblemDetails that says what to send,
        // or, in Development (as `dotnet run` starts it), why.
        using var notJson = new StringContent("username=rick");
        notJson.Headers.ContentType = new("application/x-www-form-urlencoded");
        var answers = new[]
        {
            await http.PostAsync("/subscriptions", Json("""{"username":"rick","monthlyFee":"abc","startDate":"2026-11-23T10:00:00Z"}""")),
            await http.PostAsync("/subscriptions", notJson),
        };
        Assert.Equal(
            [(HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.UnsupportedMediaType, "application/problem+json")],
            answers.Select(a => (a.StatusCode, a.Content.Headers.ContentType?.MediaType)));
        var details = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Contains("as JSON", details[0], StringComparison.Ordinal);
        Assert.Contains("with the header Content-Type: application/json", details[1], StringComparison.Ordinal);
    }

    /// <summary>The verified line and the <paramref name="count"/> - 1 lines after it, once the tool has printed them all.</summary>
    private static async Task<List<string>> PrintedAsync(DotnetProcess listener, int count)
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (true)
        {
            var printed = listener.Lines.SkipWhile(l => !l.StartsWith("verified ", StringComparison.Ordinal)).Take(count).ToList();
            if (printed.Count == count || DateTime.UtcNow > deadline)
            {
                return printed;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A new web app in a folder whose NuGet settings take Hookline from the packed folder, set up with the README's Install lines.</summary>
    private async Task<(string Root, string App)> CreateAppAsync()
    {
        var (root, app) = await packages.CreateWebAppAsync("quick-start");
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
        return (root, app);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
