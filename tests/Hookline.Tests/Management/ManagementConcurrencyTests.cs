using System.Net;
using System.Text.Json.Nodes;
using Hookline.Storage;

namespace Hookline.Tests.Management;

/// <summary>
/// Changes to one endpoint racing each other over real HTTP (the sample on Kestrel): none is lost, every
/// secret handed out signs, and If-Match refuses a change to an endpoint that changed since it was read.
/// </summary>
public sealed class ManagementConcurrencyTests
{
    [Fact]
    public async Task RotateSecret_SixteenAtOnce_EveryHandedOutSecretSigns_RefusedOnesHandOutNone()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = await ManagementApi.RegisterAsync(alice, receiver.Url);
        var id = endpoint["id"]!.GetValue<string>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => RotateAsync(alice, id)));

        var handedOut = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Secret!).ToList();
        Assert.All(answers, a => Assert.True(
            a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed,
            $"{(int)a.Status}"));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Null(a.Secret));

        // At most 10 secrets sign at once: the registered one and 9 rotations; the rest are refused, naming when that changes.
        Assert.Equal(9, handedOut.Count);
        Assert.Equal(16 - 9, answers.Count(a => a.Status == HttpStatusCode.Conflict));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.Conflict), a => Assert.Contains("oldest overlap ends at", a.Body));
        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
        Assert.Contains((await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}/secret"))["secret"]!.GetValue<string>(), handedOut);

        await ManagementApi.SubscribeAsync(alice, "rick");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the delivery");
        var delivery = receiver.Requests[0];
        var signatures = delivery.Headers["webhook-signature"].Split(' ');
        Assert.Equal(10, signatures.Length);
        Assert.All(
            [.. handedOut, endpoint["secret"]!.GetValue<string>()],
            secret => Assert.Contains(Signature(delivery, secret), signatures));
    }

    [Fact]
    public async Task Put_RacingRotationsAndDisable_ThenEnable_UndoesNoneOfThem()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();

        // Round one: replacing the settings races rotations and a disable.
        var putsRunning = Enumerable.Range(0, 8).Select(i => PutAsync(alice, id, receiver.Url, $"put {i}")).ToList();
        var rotationsRunning = Enumerable.Range(0, 4).Select(_ => RotateAsync(alice, id)).ToList();
        var disableRunning = StatusAsync(alice.PostAsync($"/webhooks/endpoints/{id}/disable", null));
        await Task.WhenAll([.. putsRunning, .. rotationsRunning, disableRunning]);
        var puts = await Task.WhenAll(putsRunning);
        var rotations = await Task.WhenAll(rotationsRunning);

        Assert.All(puts, p => Assert.Equal(HttpStatusCode.OK, p));
        Assert.All(rotations, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.OK, await disableRunning);
        var disabled = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}");
        Assert.False(disabled["enabled"]!.GetValue<bool>());
        Assert.StartsWith("put ", disabled["description"]!.GetValue<string>());
        Assert.Equal(1 + 8 + 4 + 1, disabled["version"]!.GetValue<long>());
        var stored = (await sample.Services.GetRequiredService<IWebhookEndpointStore>().GetEndpointAsync(id, default))!;
        Assert.Superset(rotations.Select(r => r.Secret!).ToHashSet(), stored.Secrets.Select(s => s.Value).ToHashSet());

        // Round two: replacing the settings races an enable; the endpoint then receives, signed with every rotated secret.
        putsRunning = [.. Enumerable.Range(0, 8).Select(i => PutAsync(alice, id, receiver.Url, $"again {i}"))];
        var enableRunning = StatusAsync(alice.PostAsync($"/webhooks/endpoints/{id}/enable", null));
        await Task.WhenAll([.. putsRunning, enableRunning]);

        Assert.All(await Task.WhenAll(putsRunning), p => Assert.Equal(HttpStatusCode.OK, p));
        Assert.Equal(HttpStatusCode.OK, await enableRunning);
        var enabled = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}");
        Assert.True(enabled["enabled"]!.GetValue<bool>());
        Assert.Equal(1 + 8 + 4 + 1 + 8 + 1, enabled["version"]!.GetValue<long>());
        await ManagementApi.SubscribeAsync(alice, "rick");
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the delivery");
        var signatures = receiver.Requests[0].Headers["webhook-signature"].Split(' ');
        Assert.All(rotations, r => Assert.Contains(Signature(receiver.Requests[0], r.Secret!), signatures));
    }

    [Fact]
    public async Task IfMatch_StaleIsRefused412AndChangesNothing_MatchingChangesWithANewETag()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var created = await alice.PostAsJsonAsync("/webhooks/endpoints", new { url = receiver.Url });
        var id = (await ManagementApi.ReadAsync(created))["id"]!.GetValue<string>();
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());
        using (var read = await alice.GetAsync($"/webhooks/endpoints/{id}"))
        {
            Assert.Equal("\"1\"", read.Headers.ETag?.ToString());
            Assert.Equal(1, (await ManagementApi.ReadAsync(read))["version"]!.GetValue<long>());
        }

        using (var put = await SendAsync(alice, HttpMethod.Put, $"/webhooks/endpoints/{id}", "\"1\"", new { url = receiver.Url, description = "first" }))
        {
            Assert.Equal((HttpStatusCode.OK, "\"2\""), (put.StatusCode, put.Headers.ETag?.ToString()));
        }

        // Every change from the version read before that one is refused, and changes nothing.
        var before = await ManagementIsolationTests.StateAsync(alice);
        (HttpMethod Method, string Path, object? Body)[] changes =
        [
            (HttpMethod.Put, $"/webhooks/endpoints/{id}", new { url = receiver.Url, description = "lost" }),
            (HttpMethod.Delete, $"/webhooks/endpoints/{id}", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{id}/disable", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{id}/enable", null),
            (HttpMethod.Post, $"/webhooks/endpoints/{id}/secret/rotate", null),
        ];
        foreach (var (method, path, body) in changes)
        {
            foreach (var stale in new[] { "\"1\"", "W/\"2\"", "\"1\", \"3\"" })
            {
                using var refused = await SendAsync(alice, method, path, stale, body);
                var problem = await ManagementApi.ReadAsync(refused);
                Assert.True(refused.StatusCode == HttpStatusCode.PreconditionFailed, $"{method} {path} If-Match {stale}: {(int)refused.StatusCode} {problem}");
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(problem["errors"]?["If-Match"]);
            }
        }

        Assert.Equal(before, await ManagementIsolationTests.StateAsync(alice));

        // A list holding the current tag, and *, match; each answer carries the new ETag.
        using (var disabled = await SendAsync(alice, HttpMethod.Post, $"/webhooks/endpoints/{id}/disable", "\"9\", \"2\""))
        {
            Assert.Equal((HttpStatusCode.OK, "\"3\""), (disabled.StatusCode, disabled.Headers.ETag?.ToString()));
            Assert.False((await ManagementApi.ReadAsync(disabled))["enabled"]!.GetValue<bool>());
        }

        using (var enabled = await SendAsync(alice, HttpMethod.Post, $"/webhooks/endpoints/{id}/enable", "*"))
        {
            Assert.Equal((HttpStatusCode.OK, "\"4\""), (enabled.StatusCode, enabled.Headers.ETag?.ToString()));
        }

        using (var rotated = await SendAsync(alice, HttpMethod.Post, $"/webhooks/endpoints/{id}/secret/rotate", "\"4\""))
        {
            Assert.Equal((HttpStatusCode.OK, "\"5\""), (rotated.StatusCode, rotated.Headers.ETag?.ToString()));
        }

        using (var malformed = await SendAsync(alice, HttpMethod.Delete, $"/webhooks/endpoints/{id}", "5"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.NotNull((await ManagementApi.ReadAsync(malformed))["errors"]?["If-Match"]);
        }

        using (var deleted = await SendAsync(alice, HttpMethod.Delete, $"/webhooks/endpoints/{id}", "\"5\""))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await alice.GetAsync($"/webhooks/endpoints/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task IfMatch_DeliveryMarkingTheEndpointFailing_ChangesItsETag()
    {
        await using var receiver = await TestReceiver.StartAsync(TestReceiver.Status(500));
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var id = (await ManagementApi.RegisterAsync(alice, receiver.Url))["id"]!.GetValue<string>();

        await ManagementApi.SubscribeAsync(alice, "rick");
        await Eventually.HoldsAsync(
            async () => (await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}"))["failingSince"] is not null,
            "the endpoint marked failing");

        using var refused = await SendAsync(alice, HttpMethod.Put, $"/webhooks/endpoints/{id}", "\"1\"", new { url = receiver.Url, description = "stale" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        using var read = await alice.GetAsync($"/webhooks/endpoints/{id}");
        Assert.NotEqual("\"1\"", read.Headers.ETag?.ToString());
    }

    private static async Task<(HttpStatusCode Status, string? Secret, string Body)> RotateAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsync($"/webhooks/endpoints/{id}/secret/rotate", null);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(body)?["secret"]?.GetValue<string>(), body);
    }

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> PutAsync(HttpClient client, string id, string url, string description)
    {
        using var response = await client.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { url, description });
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string ifMatch, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    private static string Signature(ReceivedRequest request, string secret) =>
        WebhookSigner.Sign(
            WebhookSecret.Parse(secret),
            request.Headers["webhook-id"],
            long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture),
            request.Body);
}
