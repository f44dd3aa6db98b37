using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.Management;

/// <summary>
/// <c>GET /webhooks/stats</c>: a tenant's attempts per UTC hour and day, from the sample's real deliveries on a fake clock.
/// </summary>
public sealed class ManagementStatsTests
{
    [Fact]
    public async Task Stats_CountAttemptsPerUtcHourAndDay_AndSumUpTheLast24Hours()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 23, 0, 0, TimeSpan.Zero));
        await using var receiver = await TestReceiver.StartAsync(
            TestReceiver.Sequence(TestReceiver.Status(200), TestReceiver.Status(200), TestReceiver.Status(410, "gone")));
        await using var sample = SampleFactory.Development(time);
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();
        time.Advance(TimeSpan.FromSeconds(1)); // Ids order by creation time; the fake clock stands still.
        var idle = (await ManagementApi.RegisterAsync(alice, receiver.Url + "/idle"))["id"]!.GetValue<string>();
        (await alice.PostAsync($"/webhooks/endpoints/{idle}/disable", null)).Dispose();

        // A day and a half before the read; the last second of hour 23 of the 22nd; the first instant of the 23rd (410: no retry).
        foreach (var (at, attempts) in new[] { ("2026-11-21T23:30:00Z", 1), ("2026-11-22T23:59:59Z", 2), ("2026-11-23T00:00:00Z", 3) })
        {
            time.SetUtcNow(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
            await ManagementApi.SubscribeAsync(alice, $"at-{attempts}");
            await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == attempts, $"attempt {attempts}");
        }

        time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 0, 45, 0, TimeSpan.Zero));
        var stats = (await ManagementApi.GetAsync(alice, "/webhooks/stats"))["data"]!.AsArray();

        Assert.Equal([idle, endpoint], stats.Select(s => s!["endpointId"]!.GetValue<string>())); // Newest first.
        var mine = stats[1]!;
        var hourly = mine["hourly"]!.AsArray();
        Assert.Equal(24, hourly.Count);
        Assert.Equal("2026-11-22T01:00:00+00:00", hourly[0]!["start"]!.GetValue<string>()); // UTC, ISO 8601.
        Assert.Equal(
            [("2026-11-22T23:00:00+00:00", 1, 0), ("2026-11-23T00:00:00+00:00", 0, 1)],
            hourly.Where(h => Count(h!, "succeeded") + Count(h!, "failed") > 0).Select(Bucket));
        Assert.Equal(
            [
                ("2026-11-17T00:00:00+00:00", 0, 0), ("2026-11-18T00:00:00+00:00", 0, 0), ("2026-11-19T00:00:00+00:00", 0, 0),
                ("2026-11-20T00:00:00+00:00", 0, 0), ("2026-11-21T00:00:00+00:00", 1, 0), ("2026-11-22T00:00:00+00:00", 1, 0),
                ("2026-11-23T00:00:00+00:00", 0, 1),
            ],
            mine["daily"]!.AsArray().Select(Bucket));
        var last24 = mine["last24Hours"]!;
        Assert.Equal((1, 1, 0.5), (Count(last24, "succeeded"), Count(last24, "failed"), last24["successRate"]!.GetValue<double>()));
        Assert.Equal(
            ("2026-11-23T00:00:00+00:00", 410, "httpStatus"),
            (last24["lastFailure"]!["at"]!.GetValue<string>(), Count(last24["lastFailure"]!, "statusCode"),
                last24["lastFailure"]!["errorKind"]!.GetValue<string>()));
        Assert.Equal("2026-11-22T23:59:59+00:00", mine["lastSuccessAt"]!.GetValue<string>()); // Before the last 24 hours' failure.

        var none = stats[0]!;
        Assert.All(
            none["hourly"]!.AsArray().Concat(none["daily"]!.AsArray()),
            b => Assert.Equal((0, 0), (Count(b!, "succeeded"), Count(b!, "failed"))));
        Assert.Null(none["last24Hours"]!["successRate"]);
        Assert.Null(none["last24Hours"]!["lastFailure"]);
        Assert.Null(none["lastSuccessAt"]);

        var one = (await ManagementApi.GetAsync(alice, $"/webhooks/stats?endpointId={endpoint}"))["data"]!.AsArray();
        Assert.Equal(mine.ToJsonString(), Assert.Single(one)!.ToJsonString());
    }

    [Fact]
    public async Task Stats_OfAnotherTenantsEndpoint_AreNotFound()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var endpoint = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/hook"))["id"]!.GetValue<string>();

        using var theirs = await bob.GetAsync($"/webhooks/stats?endpointId={endpoint}");
        using var malformed = await bob.GetAsync("/webhooks/stats?endpointId=nope");

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.NotNull((await ManagementApi.ReadAsync(theirs))["errors"]!["endpointId"]);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Empty((await ManagementApi.GetAsync(bob, "/webhooks/stats"))["data"]!.AsArray());
        Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/stats"))["data"]!.AsArray());
    }

    private static int Count(JsonNode node, string name) => node[name]!.GetValue<int>();

    private static (string, int, int) Bucket(JsonNode? bucket) =>
        (bucket!["start"]!.GetValue<string>(), Count(bucket, "succeeded"), Count(bucket, "failed"));
}
