using System.Net;
using System.Text.Json.Nodes;
using Hookline.Tests.Management;

namespace Hookline.Tests.Sample;

/// <summary>
/// The sample's subscription and its webhook commit together: once <c>POST /subscriptions</c> answered 201, the webhook is
/// sent even if the process dies before sending it; a request that failed keeps and sends nothing.
/// </summary>
public sealed class SampleRestartTests : IAsyncLifetime
{
    private const string Start = "2026-11-24T10:00:00Z";
    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly string _database = TestPostgres.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        SqliteTestFiles.Delete(_file);
        await TestPostgres.DropDatabaseAsync(_database);
    }

    [SkippableTheory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Sigkill_AfterCommitBeforeDelivery_DeliversAfterRestart_AndRolledBackRequestsSendNothing(string database)
    {
        var settings = await SettingsAsync(database);
        await using var receiver = await TestReceiver.StartAsync();
        string secret;

        // The first instance does not deliver (Delivery:Enabled=false): the kill surely comes after the commit and before any send.
        var notDelivering = new Dictionary<string, string>(settings) { ["Webhooks:Delivery:Enabled"] = "false" };
        await using (var first = await SampleProcess.StartAsync(notDelivering))
        {
            using var alice = first.Client(SampleFactory.AliceKey);
            secret = (await ManagementApi.RegisterAsync(alice, receiver.Url))["secret"]!.GetValue<string>();
            await ManagementApi.SubscribeAsync(alice, "rick");
            using var duplicate = await alice.PostAsJsonAsync("/subscriptions", new { username = "rick", monthlyFee = 1, startDate = Start });
            using var tooLarge = await alice.PostAsJsonAsync(
                "/subscriptions", new { username = new string('m', 300_000), monthlyFee = 1, startDate = Start });
            Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.RequestEntityTooLarge), (duplicate.StatusCode, tooLarge.StatusCode));

            Assert.Equal(137, await first.Process.KillAsync()); // 128 + SIGKILL: no shutdown code runs.
        }

        Assert.Empty(receiver.Requests);
        await using var second = await SampleProcess.StartAsync(settings);
        using var client = second.Client(SampleFactory.AliceKey);

        var attempts = await ManagementApi.EventuallyListsAsync(client, "/webhooks/attempts", a => a.Count > 0, "a send after the restart");
        var attempt = Assert.Single(attempts);
        Assert.True(attempt!["succeeded"]!.GetValue<bool>(), attempt.ToJsonString());
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(
            WebhookVerificationResult.Verified,
            new WebhookVerifier(WebhookSecret.Parse(secret)).Verify(
                request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body));
        Assert.Equal(("rick", 9.99m), Subscriber(JsonNode.Parse(request.Body)!));
        // Only the committed subscription and its message were stored: the duplicate's publish was rolled back, nothing else is due.
        Assert.Equal(("rick", 9.99m), Subscriber(Assert.Single((await ManagementApi.GetAsync(client, "/subscriptions")).AsArray())!));
        var message = Assert.Single((await ManagementApi.GetAsync(client, "/webhooks/messages"))["data"]!.AsArray());
        Assert.Equal(request.Headers["webhook-id"], message!["id"]!.GetValue<string>());
    }

    [SkippableTheory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task PostSubscription_UsernameOfTenThousandCharacters_IsStoredAndListed(string database)
    {
        var settings = await SettingsAsync(database);
        settings["Webhooks:Delivery:Enabled"] = "false";
        await using var sample = await SampleProcess.StartAsync(settings);
        using var alice = sample.Client(SampleFactory.AliceKey);
        // Random, so that it does not compress: past what one PostgreSQL B-tree entry holds (about 2.7 KB).
        var username = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5_000));

        await ManagementApi.SubscribeAsync(alice, username);

        Assert.Equal(username, Assert.Single((await ManagementApi.GetAsync(alice, "/subscriptions")).AsArray())!["username"]!.GetValue<string>());
        using var again = await alice.PostAsJsonAsync("/subscriptions", new { username, monthlyFee = 1, startDate = Start });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    /// <summary>The sample's settings for a database of its own: a SQLite file, or a PostgreSQL database.</summary>
    private async Task<Dictionary<string, string>> SettingsAsync(string database)
    {
        if (database == "SQLite")
        {
            return new() { ["ConnectionStrings:Webhooks"] = $"Data Source={_file}" };
        }

        TestPostgres.SkipUnlessAvailable();
        return new() { ["ConnectionStrings:Postgres"] = await TestPostgres.CreateDatabaseAsync(_database) };
    }

    private static (string, decimal) Subscriber(JsonNode subscription) =>
        (subscription["username"]!.GetValue<string>(), subscription["monthlyFee"]!.GetValue<decimal>());
}
