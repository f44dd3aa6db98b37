using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Hookline.Tests.Receiving;

/// <summary>
/// Hookline.Receiving with <c>v1a</c> (Ed25519) signatures on a real Kestrel receiver: public keys from the options or from a
/// key set served by another real Kestrel server on loopback, fetched, cached and fetched again within bounds.
/// </summary>
public sealed class PublicKeyReceivingTests
{
    private const string Path = "/hooks/new-subscription";
    private const string Body = """{"username":"Zoë","monthlyFee":9.99,"startDate":"2026-11-23T10:00:00+00:00"}""";
    private static readonly Subscription s_expected = new("Zoë", 9.99m, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private static readonly string s_signingKey = WebhookSigningKey.Generate();
    private static readonly string s_publicKey = WebhookSigningKey.Parse(s_signingKey).PublicKey.ToString();

    [Fact]
    public async Task MapWebhook_SignedWithTheKeyOfAConfiguredPublicKey_ReachesTheHandler_AndOtherKeysOrBodiesAreRefused()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.PublicKeys = [s_publicKey]);

        using var signed = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        using var otherKey = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [WebhookSigningKey.Generate()]);
        var now = receiver.Time.GetUtcNow().ToUnixTimeSeconds();
        var byKey = WebhookSigner.Sign(WebhookSigningKey.Parse(s_signingKey), "msg_3", now, System.Text.Encoding.UTF8.GetBytes(Body));
        using var tampered = await receiver.PostAsync(
            Path, Body.Replace("9.99", "0.01", StringComparison.Ordinal), "msg_3", now.ToString(CultureInfo.InvariantCulture), byKey);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { signed.StatusCode, otherKey.StatusCode, tampered.StatusCode });
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
        var problem = JsonNode.Parse(await otherKey.Content.ReadAsStringAsync())!;
        Assert.Equal("NoMatchingSignature", problem["failedCheck"]!.GetValue<string>());
        Assert.Contains("v1a", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapWebhook_SecretAndPublicKey_AcceptV1_V1a_OrBothInOneHeader()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await ReceiverApp.StartAsync(o =>
        {
            o.Secrets = [secret];
            o.PublicKeys = [s_publicKey];
        });

        using var v1 = await receiver.PostSignedAsync(Path, Body, "msg_v1", [secret], []);
        using var v1a = await receiver.PostSignedAsync(Path, Body, "msg_v1a", [], [s_signingKey]);
        using var both = await receiver.PostSignedAsync(Path, Body, "msg_both", [secret], [s_signingKey]);
        using var neither = await receiver.PostSignedAsync(
            Path, Body, "msg_neither", [WebhookSecret.Generate()], [WebhookSigningKey.Generate()]);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.Unauthorized],
            new[] { v1.StatusCode, v1a.StatusCode, both.StatusCode, neither.StatusCode });
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task PublicKeys_FromConfiguration_VerifyEitherDuringARotation()
    {
        var next = WebhookSigningKey.Generate();
        await using var receiver = await ReceiverApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["WebhookReceiving:PublicKeys:0"] = s_publicKey,
            ["WebhookReceiving:PublicKeys:1"] = WebhookSigningKey.Parse(next).PublicKey.ToString(),
        });

        using var byOld = await receiver.PostSignedAsync(Path, Body, "msg_old", [], [s_signingKey]);
        using var byNew = await receiver.PostSignedAsync(Path, Body, "msg_new", [], [next]);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (byOld.StatusCode, byNew.StatusCode));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task MapWebhook_SignedByNodesEd25519_ReachesTheHandler()
    {
        await using var receiver = await ReceiverApp.StartAsync(o => o.PublicKeys = [s_publicKey], now: DateTimeOffset.UtcNow);
        var timestamp = receiver.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = await NodeTool.WithFileAsync(
            Body, file => NodeTool.RunAsync("ed25519.mjs", "sign", s_signingKey, "msg_node", timestamp, file));

        using var response = await receiver.PostAsync(Path, Body, "msg_node", timestamp, signature);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(s_expected, Assert.Single(receiver.Received));
    }

    [Fact]
    public async Task PublicKeysUrl_KeyInTheSet_Verifies_AndTheSetIsFetchedOnce()
    {
        await using var keys = await KeySetServer.StartAsync();
        keys.Publish(s_signingKey);
        await using var receiver = await ReceiverApp.StartAsync(o => o.PublicKeysUrl = keys.Url);

        using var first = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        using var second = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [s_signingKey]);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        Assert.Equal(1, keys.Fetches);
        Assert.Contains(
            receiver.Logs.Messages, m => m.Contains("Fetched 1 webhook public keys from http://127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublicKeysUrl_NewKeyPublished_IsFetchedAfterAFailedVerification_AtMostEvery30Seconds()
    {
        var next = WebhookSigningKey.Generate();
        await using var keys = await KeySetServer.StartAsync();
        keys.Publish(s_signingKey);
        await using var receiver = await ReceiverApp.StartAsync(o => o.PublicKeysUrl = keys.Url);
        using var byCurrent = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        keys.Publish(s_signingKey, next);

        // Fetched a moment ago: the new key's signature is refused, and the set is not fetched again yet.
        using var tooSoon = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [next]);
        var fetchesTooSoon = keys.Fetches;
        receiver.Time.Advance(TimeSpan.FromSeconds(30));
        using var byNext = await receiver.PostSignedAsync(Path, Body, "msg_3", [], [next]);
        var fetchesAfter = keys.Fetches;
        // Forged v1a signatures right after cannot make it fetch again.
        var forged = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await receiver.PostSignedAsync(Path, Body, $"msg_forged_{i}", [], [WebhookSigningKey.Generate()]);
            forged.Add(response.StatusCode);
        }

        Assert.Equal(
            (HttpStatusCode.NoContent, HttpStatusCode.Unauthorized, 1, HttpStatusCode.NoContent, 2),
            (byCurrent.StatusCode, tooSoon.StatusCode, fetchesTooSoon, byNext.StatusCode, fetchesAfter));
        Assert.All(forged, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(2, keys.Fetches);
    }

    [Fact]
    public async Task PublicKeysUrl_OlderThanTheRefreshInterval_IsFetchedAgain_AndARemovedKeyNoLongerVerifies()
    {
        var next = WebhookSigningKey.Generate();
        await using var keys = await KeySetServer.StartAsync();
        keys.Publish(s_signingKey);
        await using var receiver = await ReceiverApp.StartAsync(o =>
        {
            o.PublicKeysUrl = keys.Url;
            o.PublicKeysRefreshInterval = TimeSpan.FromMinutes(2);
        });
        using var before = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        keys.Publish(next);

        receiver.Time.Advance(TimeSpan.FromMinutes(1));
        using var withinInterval = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [s_signingKey]);
        receiver.Time.Advance(TimeSpan.FromMinutes(1));
        using var removed = await receiver.PostSignedAsync(Path, Body, "msg_3", [], [s_signingKey]);
        using var byNext = await receiver.PostSignedAsync(Path, Body, "msg_4", [], [next]);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.Unauthorized, HttpStatusCode.NoContent],
            new[] { before.StatusCode, withinInterval.StatusCode, removed.StatusCode, byNext.StatusCode });
        Assert.Equal(2, keys.Fetches);
    }

    [Fact]
    public async Task PublicKeysUrl_FailingWithNoOtherKeys_Is503_TriedAgainAfter30Seconds()
    {
        await using var keys = await KeySetServer.StartAsync();
        keys.Answer(StatusCodes.Status500InternalServerError, "down");
        await using var receiver = await ReceiverApp.StartAsync(o => o.PublicKeysUrl = keys.Url);

        using var first = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        using var again = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [s_signingKey]);
        var fetchesWhileDown = keys.Fetches;
        keys.Publish(s_signingKey);
        receiver.Time.Advance(TimeSpan.FromSeconds(30));
        using var recovered = await receiver.PostSignedAsync(Path, Body, "msg_3", [], [s_signingKey]);

        Assert.Equal(
            (HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, 1, HttpStatusCode.NoContent),
            (first.StatusCode, again.StatusCode, fetchesWhileDown, recovered.StatusCode));
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        Assert.Single(receiver.Received);
        Assert.Contains(
            receiver.Logs.Messages,
            m => m.Contains("Could not fetch the webhook public keys from http://127.0.0.1", StringComparison.Ordinal)
                && m.Contains("500", StringComparison.Ordinal));
    }

    public static TheoryData<int, string, string> BrokenAnswers => new()
    {
        { StatusCodes.Status404NotFound, "gone", "404" },
        { StatusCodes.Status200OK, "<html>not json</html>", "A JSON Web Key Set is JSON" },
        { StatusCodes.Status200OK, """{"keys":[]}""", "the key set has no Ed25519 signing key" },
        { StatusCodes.Status200OK, """{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AA"}]}""", "keys[0]'s 'x'" },
        { StatusCodes.Status200OK, $$"""{"keys":[],"padding":"{{new string('x', 70_000)}}"}""", "over 64 KiB" },
    };

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task PublicKeysUrl_BrokenAnswerLater_KeepsTheKeysFetchedBefore_AndLogsWhy(int status, string body, string logged)
    {
        await using var keys = await KeySetServer.StartAsync();
        keys.Publish(s_signingKey);
        await using var receiver = await ReceiverApp.StartAsync(o =>
        {
            o.PublicKeysUrl = keys.Url;
            o.PublicKeysRefreshInterval = TimeSpan.FromMinutes(1);
        });
        using var before = await receiver.PostSignedAsync(Path, Body, "msg_1", [], [s_signingKey]);
        keys.Answer(status, body);
        receiver.Time.Advance(TimeSpan.FromMinutes(1));

        using var after = await receiver.PostSignedAsync(Path, Body, "msg_2", [], [s_signingKey]);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent, 2), (before.StatusCode, after.StatusCode, keys.Fetches));
        Assert.Contains(
            receiver.Logs.Messages,
            m => m.Contains("verifying with the 1 fetched before", StringComparison.Ordinal)
                && m.Contains(logged, StringComparison.Ordinal));
    }
}
