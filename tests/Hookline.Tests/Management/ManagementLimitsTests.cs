using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>
/// The limits one tenant's calls meet on the sample over real HTTP: its costly calls (test events, resends, recoveries) per
/// minute, its number of endpoints, and a resend of a delivery being attempted right now.
/// </summary>
public sealed class ManagementLimitsTests
{
    [Fact]
    public async Task CostlyCalls_PastTheTenantsLimit_Are429WithRetryAfter_SharedByTheThree_OtherTenantsUnaffected()
    {
        await using var receiver = await TestReceiver.StartAsync();
        // Three at once, then one a minute: the test ends long before a fourth is allowed.
        await using var sample = SampleFactory.Development(settings: new Dictionary<string, string?>
        {
            ["Webhooks:Management:CostlyCalls:PerMinute"] = "1",
            ["Webhooks:Management:CostlyCalls:Burst"] = "3",
        });
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var id = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();
        var bobs = (await ManagementApi.RegisterAsync(bob, receiver.Url))["id"]!.GetValue<string>();
        await ManagementApi.SubscribeAsync(alice, "rick");
        var message = Assert.Single(await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the attempt"))!
            ["messageId"]!.GetValue<string>();
        var test = $"/webhooks/endpoints/{id}/test";
        var resend = $"/webhooks/endpoints/{id}/messages/{message}/resend";
        var recover = $"/webhooks/endpoints/{id}/recover";

        // A call refused for another reason does not count.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await StatusAsync(alice, test, new { eventType = "no-such-event" }));
        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(alice, test, new { eventType = "new-subscription" }));
        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(alice, resend, null));
        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(alice, recover, new { since = "2020-01-01T00:00:00Z" }));

        foreach (var (path, body) in new (string, object?)[] { (test, new { eventType = "new-subscription" }), (resend, null), (recover, new { since = "2020-01-01T00:00:00Z" }) })
        {
            using var response = await alice.PostAsync(path, body is null ? null : JsonContent.Create(body));
            var problem = await ManagementApi.ReadAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{path}: {(int)response.StatusCode} {problem.ToJsonString()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After: {response.Headers.RetryAfter}");
            Assert.Equal(429, problem["status"]!.GetValue<int>());
            var detail = problem["detail"]!.GetValue<string>();
            Assert.Contains("test events, resend messages and recover endpoints 1 times a minute in all, 3 at once", detail);
            Assert.Contains($"Try again in {(int)retryAfter!.Value.TotalSeconds} second", detail);
        }

        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(bob, $"/webhooks/endpoints/{bobs}/test", new { eventType = "new-subscription" }));
    }

    [Fact]
    public async Task CreateEndpoint_PastTheTenantsCap_Is409NamingTheCap_UntilOneIsDeleted()
    {
        await using var sample = SampleFactory.Development(settings: new Dictionary<string, string?> { ["Webhooks:MaxEndpointsPerTenant"] = "2" });
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var bob = sample.Client(SampleFactory.BobKey);
        var first = (await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/one"))["id"]!.GetValue<string>();
        await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/two");

        using (var third = await alice.PostAsJsonAsync("/webhooks/endpoints", new { url = "http://127.0.0.1:9/three" }))
        {
            var problem = await ManagementApi.ReadAsync(third);
            Assert.True(third.StatusCode == HttpStatusCode.Conflict, $"{(int)third.StatusCode} {problem.ToJsonString()}");
            Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
            Assert.Equal("You already have 2 endpoints, the most you may have; delete one to register another.", problem["detail"]!.GetValue<string>());
        }

        Assert.Equal(2, (await ManagementApi.GetAsync(alice, "/webhooks/endpoints"))["data"]!.AsArray().Count);
        await ManagementApi.RegisterAsync(bob, "http://127.0.0.1:9/bob"); // Each tenant has a cap of its own.
        (await alice.DeleteAsync($"/webhooks/endpoints/{first}")).EnsureSuccessStatusCode();
        await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/three");
    }

    [Fact]
    public async Task Resend_WhileItsDeliveryIsBeingAttempted_Is409_AndItIsNeverSentTwiceAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int atOnce = 0, mostAtOnce = 0;
        await using var receiver = await TestReceiver.StartAsync(async context =>
        {
            var now = Interlocked.Increment(ref atOnce);
            InterlockedMax(ref mostAtOnce, now);
            try
            {
                await release.Task.WaitAsync(context.RequestAborted);
                context.Response.StatusCode = 204;
            }
            finally
            {
                Interlocked.Decrement(ref atOnce);
            }
        });
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();
        await ManagementApi.SubscribeAsync(alice, "rick");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first attempt, held by the receiver");
        var message = Assert.Single((await ManagementApi.GetAsync(alice, "/webhooks/messages"))["data"]!.AsArray())!["id"]!.GetValue<string>();
        var resend = $"/webhooks/endpoints/{id}/messages/{message}/resend";

        using (var refused = await alice.PostAsync(resend, null))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict, $"{(int)refused.StatusCode} {body}");
            var problem = JsonNode.Parse(body)!;
            Assert.Contains("is being delivered to endpoint", problem["errors"]!["messageId"]![0]!.GetValue<string>());
            Assert.Contains("resend it after that attempt ends", problem["detail"]!.GetValue<string>());
        }

        // The attempt ends; then a resend goes through, and is sent.
        release.SetResult();
        await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 1, "the first attempt, recorded");
        using (var resent = await alice.PostAsync(resend, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        }

        await ManagementApi.EventuallyListsAsync(alice, "/webhooks/attempts", a => a.Count == 2, "the resend's attempt, recorded");
        await sample.NothingPendingAsync();
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(1, mostAtOnce);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, object? body)
    {
        using var response = await client.PostAsync(path, body is null ? null : JsonContent.Create(body));
        return response.StatusCode;
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }
}
