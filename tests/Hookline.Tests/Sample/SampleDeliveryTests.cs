using System.Net;
using System.Text.Json.Nodes;
using Hookline.Tests.Management;
using Microsoft.Data.Sqlite;

namespace Hookline.Tests.Sample;

/// <summary>The README's walkthrough: the sample in Development, a URL registered over its API, the Node receiver verifying with the official library.</summary>
public sealed class SampleDeliveryTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task PostSubscription_DeliversASignedWebhookThatVerifiesAndMatchesTheDocument()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var (_, receiver) = await ManagementApi.RegisterNodeReceiverAsync(alice, ["new-subscription"]);
        await using var stop = receiver;

        await ManagementApi.SubscribeAsync(alice, "rick");
        await ManagementApi.SubscribeAsync(alice, "morty");

        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Lines.Count >= 2), "the receiver gets both deliveries");
        var lines = receiver.Lines;
        Assert.All(lines, line => Assert.StartsWith("verified msg_", line));
        var bodies = lines.Select(line => line.Split(' ', 3)[2]).ToList();
        Assert.Contains("""{"username":"rick","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""", bodies);
        await OpenApiValidator.AssertBodiesMatchAsync(await alice.GetStringAsync("/openapi/v1.json"), "new-subscription", "POST", bodies);
    }

    [Fact]
    public async Task PostSubscription_IsRecordedInTheDeliveryLog()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);

        await ManagementApi.SubscribeAsync(alice, "summer");

        var attempt = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the attempt is logged"));
        Assert.Equal((204, true, receiver.Requests[0].Headers["webhook-id"]), (attempt!["statusCode"]!.GetValue<int>(), attempt["succeeded"]!.GetValue<bool>(), attempt["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PostSubscription_BadInput_IsAProblemAndSendsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var anonymous = sample.Client(null);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        await ManagementApi.SubscribeAsync(alice, "rick");

        var duplicate = await alice.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var empty = await alice.PostAsJsonAsync("/subscriptions", new { username = " ", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var malformed = await alice.PostAsync("/subscriptions", new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"));
        var signedOut = await anonymous.PostAsJsonAsync("/subscriptions", new { username = "jerry", monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });
        var repeated = await alice.PostAsync("/subscriptions", new StringContent(
            "{\"username\":\"morty\",\"username\":\"summer\",\"monthlyFee\":1,\"startDate\":\"2026-11-23T10:00:00Z\"}",
            System.Text.Encoding.UTF8,
            "application/json"));

        Assert.Equal(
            [(HttpStatusCode.Conflict, "application/problem+json"), (HttpStatusCode.BadRequest, "application/problem+json"),
             (HttpStatusCode.BadRequest, "application/problem+json"), (HttpStatusCode.Unauthorized, "application/problem+json"),
             (HttpStatusCode.BadRequest, "application/problem+json")],
            new[] { duplicate, empty, malformed, signedOut, repeated }.Select(r => (r.StatusCode, r.Content.Headers.ContentType?.MediaType)));
        Assert.NotNull(JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["errors"]!["username"]);
        // In Development, the answer says why: the exception's message. A body that is not JSON is told what to send.
        var why = JsonNode.Parse(await malformed.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        Assert.Contains("as JSON", why, StringComparison.Ordinal);
        using var form = await alice.PostAsync("/subscriptions", new FormUrlEncodedContent([new("username", "jerry")]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(
            "Send the body as JSON, with the header Content-Type: application/json.",
            JsonNode.Parse(await form.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first subscription's delivery");
        await sample.NothingPendingAsync(); // Anything the bad requests had published has arrived by now too.
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task PostSubscription_UsernameOverThePayloadLimit_Is413AndKeepsNothing()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);

        using var response = await alice.PostAsJsonAsync("/subscriptions", new { username = new string('r', 1 << 20), monthlyFee = 1, startDate = "2026-11-23T10:00:00Z" });

        var problem = await ManagementApi.ReadAsync(response);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(413, problem["status"]!.GetValue<int>());
        Assert.Contains("over the 262,144-byte limit", problem["detail"]!.GetValue<string>());
        Assert.Empty((await ManagementApi.GetAsync(alice, "/subscriptions")).AsArray());
        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task PostSubscription_StoreFails_Is500AndKeepsNothing_ThenARetrySucceedsAndIsSent(string environment)
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = environment == "Development" ? SampleFactory.Development() : SampleFactory.Production();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        var subscription = new { username = "rick", monthlyFee = 9.99m, startDate = "2026-11-23T10:00:00+00:00" };

        // A disk that is full, as SQLite reports it, for the message the publish stores.
        await ExecuteAsync(sample, "CREATE TRIGGER full_disk BEFORE INSERT ON messages BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;");
        using var failed = await alice.PostAsJsonAsync("/subscriptions", subscription);
        var problem = await failed.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (failed.StatusCode, failed.Content.Headers.ContentType?.MediaType));
        Assert.Equal(500, JsonNode.Parse(problem)!["status"]!.GetValue<int>());
        Assert.DoesNotContain("   at ", problem, StringComparison.Ordinal);
        // The exception's message says why in Development; elsewhere it stays in the log.
        Assert.Equal(environment == "Development", problem.Contains("disk is full", StringComparison.Ordinal));
        Assert.Empty((await ManagementApi.GetAsync(alice, "/subscriptions")).AsArray());
        Assert.Empty((await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray());

        await ExecuteAsync(sample, "DROP TRIGGER full_disk;");
        using var retried = await alice.PostAsJsonAsync("/subscriptions", subscription);

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Single((await ManagementApi.GetAsync(alice, "/subscriptions")).AsArray());
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the retried subscription's delivery");
        Assert.Equal("rick", JsonNode.Parse(receiver.Requests[0].Body)!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_ReportsTheBacklogFigures()
    {
        await using var receiver = await TestReceiver.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        await ManagementApi.RegisterAsync(alice, receiver.Url);
        var idle = await ManagementApi.GetAsync(alice, "/health");

        await ManagementApi.SubscribeAsync(alice, "rick"); // Its delivery stays pending: the receiver asks for a retry in an hour.

        var check = idle["checks"]!["webhooks"]!;
        Assert.Equal(
            ("Healthy", "Healthy", 0, 0.0),
            (idle["status"]!.GetValue<string>(), check["status"]!.GetValue<string>(),
             check["data"]!["pending"]!.GetValue<int>(), check["data"]!["oldestDueAgeSeconds"]!.GetValue<double>()));
        var busy = await Eventually.ReadsAsync(
            async () => (await ManagementApi.GetAsync(alice, "/health"))["checks"]!["webhooks"]!,
            check => check["data"]!["pending"]!.GetValue<int>() == 1 && receiver.Requests.Count == 1,
            "the pending delivery is reported after its first attempt");
        Assert.StartsWith("1 webhook deliveries pending; the oldest due has waited", busy["description"]!.GetValue<string>());
        Assert.NotNull(busy["data"]!["oldestDueAgeSeconds"]);
    }

    private static async Task ExecuteAsync(SampleFactory sample, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={sample.DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
