using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Management;

/// <summary>
/// How an endpoint signs (<c>v1</c>, <c>v1a</c>, or both), through the management API on the sample: deliveries carry each
/// scheme's signature, checked by implementations that share no code with ours; the signing key never leaves the server.
/// </summary>
public sealed class ManagementSignatureSchemesTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task BothSchemes_TheDeliveryCarriesV1AndV1a_VerifiedByTheOfficialLibraryAndByNodesEd25519()
    {
        await using var sample = SampleFactory.Development();
        await using var receiver = await TestReceiver.StartAsync();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var created = await alice.PostAsJsonAsync("/webhooks/endpoints", new { url = receiver.Url, signatureSchemes = new[] { "v1", "v1a" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain(WebhookSigningKey.Prefix, text, StringComparison.Ordinal);
        var endpoint = JsonNode.Parse(text)!;
        Assert.Equal(["v1", "v1a"], endpoint["signatureSchemes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var publicKey = Assert.Single(endpoint["publicKeys"]!.AsArray())!;
        var key = WebhookPublicKey.Parse(publicKey["publicKey"]!.GetValue<string>());
        Assert.Equal((key.Thumbprint, null), (publicKey["kid"]!.GetValue<string>(), publicKey["expiresAt"]));

        using var test = await alice.PostAsJsonAsync($"/webhooks/endpoints/{endpoint["id"]}/test", new { eventType = "new-subscription" });
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the test event delivered");

        var request = receiver.Requests[0];
        var (id, timestamp, signature) = (request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"]);
        Assert.Equal(["v1", "v1a"], signature.Split(' ').Select(s => s.Split(',')[0]));
        var body = Encoding.UTF8.GetString(request.Body);
        var official = await NodeTool.WithFileAsync(body, file => NodeTool.RunToExitAsync(
            "standard-webhooks.mjs", "verify", endpoint["secret"]!.GetValue<string>(), id, timestamp, signature, file));
        var node = await NodeTool.WithFileAsync(body, file => NodeTool.RunToExitAsync(
            "ed25519.mjs", "verify", key.ToString(), id, timestamp, signature, file));
        Assert.Equal((0, "verified"), (official.ExitCode, official.Output.Trim()));
        Assert.Equal((0, "verified"), (node.ExitCode, node.Output.Trim()));
    }

    [Fact]
    public async Task MovingToV1a_KeepsTheSecretSigningForADay_ThenRotationGivesANewKey_AndTheSecretIsNeverAKey()
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        var endpoint = await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/hook");
        var id = endpoint["id"]!.GetValue<string>();
        Assert.Equal(["v1"], endpoint["signatureSchemes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Empty(endpoint["publicKeys"]!.AsArray());

        using var moved = await alice.PutAsJsonAsync($"/webhooks/endpoints/{id}", new { url = "http://127.0.0.1:9/hook", signatureSchemes = new[] { "v1a" } });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var v1a = await ManagementApi.ReadAsync(moved);
        Assert.Equal(["v1a"], v1a["signatureSchemes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var first = Assert.Single(v1a["publicKeys"]!.AsArray())!["publicKey"]!.GetValue<string>();

        // The secret no longer shows (it signs on, unseen, for its overlap); the signing key never does.
        var secret = await ManagementApi.GetAsync(alice, $"/webhooks/endpoints/{id}/secret");
        Assert.Null(secret["secret"]);
        Assert.Equal(first, Assert.Single(secret["publicKeys"]!.AsArray())!["publicKey"]!.GetValue<string>());
        var stored = (await sample.Services.GetRequiredService<IWebhookEndpointManager>().GetAsync(id))!;
        var dropped = Assert.Single(stored.Secrets, s => s.Scheme == WebhookSignatureScheme.V1);
        Assert.Equal(TimeSpan.FromHours(24), dropped.ExpiresAt - stored.UpdatedAt);

        using var rotation = await alice.PostAsJsonAsync($"/webhooks/endpoints/{id}/secret/rotate", new { overlapSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var rotated = await rotation.Content.ReadAsStringAsync();
        Assert.DoesNotContain(WebhookSigningKey.Prefix, rotated, StringComparison.Ordinal);
        var keys = JsonNode.Parse(rotated)!["publicKeys"]!.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(first, keys[0]!["publicKey"]!.GetValue<string>()); // The new one first, current.
        Assert.Null(keys[0]!["expiresAt"]);
        Assert.Equal(first, keys[1]!["publicKey"]!.GetValue<string>());
        Assert.NotNull(keys[1]!["expiresAt"]);
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task KeySet_NeedsNoApiKey_HoldsTheEndpointsPublicKeys_AndVerifiesItsDeliveries()
    {
        await using var sample = SampleFactory.Development();
        await using var receiver = await TestReceiver.StartAsync();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var anyone = sample.Client(null);
        using var created = await alice.PostAsJsonAsync("/webhooks/endpoints", new { url = receiver.Url, signatureSchemes = new[] { "v1a" } });
        var endpoint = await ManagementApi.ReadAsync(created);
        var id = endpoint["id"]!.GetValue<string>();
        var v1 = await ManagementApi.RegisterAsync(alice, "http://127.0.0.1:9/hook");

        using var response = await anyone.GetAsync($"/webhooks/endpoints/{id}/jwks.json");
        using var none = await anyone.GetAsync($"/webhooks/endpoints/{v1["id"]}/jwks.json");
        using var unknown = await anyone.GetAsync("/webhooks/endpoints/ep_01M94S5KQ210KQ32CQD9J30P28/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        var json = await response.Content.ReadAsStringAsync();
        var published = Assert.Single(WebhookJsonWebKeySet.Parse(json));
        Assert.Equal(endpoint["publicKeys"]![0]!["publicKey"]!.GetValue<string>(), published.ToString());
        Assert.Empty(WebhookJsonWebKeySet.Parse(await none.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Node verifies a delivery with the published JSON Web Key, as a receiver that fetched the set would.
        using var test = await alice.PostAsJsonAsync($"/webhooks/endpoints/{id}/test", new { eventType = "new-subscription" });
        await Eventually.HoldsAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the test event delivered");
        var request = receiver.Requests[0];
        var jwk = JsonNode.Parse(json)!["keys"]![0]!.ToJsonString();
        var verified = await NodeTool.WithFileAsync(jwk, key => NodeTool.WithFileAsync(Encoding.UTF8.GetString(request.Body), body => NodeTool.RunToExitAsync(
            "ed25519.mjs", "verify", key, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body)));
        Assert.Equal((0, "verified"), (verified.ExitCode, verified.Output.Trim()));
    }

    [Theory]
    [InlineData("""["v2"]""", "signatureSchemes holds v1, v1a or both; not 'v2'.")]
    [InlineData("""["V1"]""", "signatureSchemes holds v1, v1a or both; not 'V1'.")]
    [InlineData("""[]""", "An endpoint signs with at least one scheme (V1, V1a); leave them out for V1.")]
    [InlineData("""["v1a","v1a"]""", "An endpoint lists each signature scheme once.")]
    public async Task Register_WithSignatureSchemesItCannotUse_IsRefusedNamingThem(string schemes, string error)
    {
        await using var sample = SampleFactory.Development();
        using var alice = sample.Client(SampleFactory.AliceKey);
        using var body = new StringContent(
            $$"""{"url":"http://127.0.0.1:9/hook","signatureSchemes":{{schemes}}}""", Encoding.UTF8, "application/json");

        using var response = await alice.PostAsync("/webhooks/endpoints", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ManagementApi.ReadAsync(response);
        Assert.Equal(error, problem["errors"]!["signatureSchemes"]![0]!.GetValue<string>());
    }
}
