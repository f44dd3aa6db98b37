using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.StandardWebhooks;

/// <summary>
/// <c>v1a</c> against an independent implementation, both ways: Node's built-in Ed25519 (node:crypto, on OpenSSL), driven by
/// tests/node/ed25519.mjs, which follows the specification's text. Node's verifier does not read the clock; ours is given the
/// signing time.
/// </summary>
public class Ed25519InteropTests
{
    private const string MessageId = "msg_2mK8dQ4Xz7LbYcP1vN3eRt";
    private const long Timestamp = 1_790_000_000;

    // Non-ASCII and JSON escapes: both sides must sign the same UTF-8 bytes.
    private const string Body = """{"username":"Zoë","note":"✓ \"quoted\" \\ slash","monthlyFee":9.99}""";
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(Body);
    private static readonly string s_timestamp = Seconds(Timestamp);

    [RequiresFact(Requirement.NodeTools)]
    public async Task Node_SignsTheSpecificationMessage_AsWeDo()
    {
        var theirs = await NodeTool.WithFileAsync(SpecVector.Body, file => NodeTool.RunAsync(
            "ed25519.mjs", "sign", AsymmetricVector.SigningKey, SpecVector.MessageId, Seconds(SpecVector.Timestamp), file));

        Assert.Equal(AsymmetricVector.Signature, theirs);
        Assert.Equal(
            theirs,
            WebhookSigner.Sign(
                WebhookSigningKey.Parse(AsymmetricVector.SigningKey), SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Node_TheirKeysAndSignature_ParseAndVerifyWithOurs()
    {
        var generated = await GenerateAsync();

        var theirs = await NodeSignAsync(generated.SigningKey);

        var ours = WebhookSigningKey.Parse(generated.SigningKey);
        Assert.Equal(generated.PublicKey, ours.PublicKey.ToString());
        Assert.Equal(WebhookVerificationResult.Verified, OurVerify(WebhookPublicKey.Parse(generated.PublicKey), theirs));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, OurVerify(WebhookPublicKey.Parse(AsymmetricVector.PublicKey), theirs));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Node_OurSignature_VerifiesWithTheirs_AndAnotherKeyIsRefused()
    {
        var key = WebhookSigningKey.Parse(WebhookSigningKey.Generate());
        var ours = WebhookSigner.Sign(key, MessageId, Timestamp, s_body);

        var right = await NodeVerifyAsync(key.PublicKey.ToString(), ours);
        var wrong = await NodeVerifyAsync(AsymmetricVector.PublicKey, ours);
        var tampered = await NodeTool.WithFileAsync(Body + " ", file => NodeTool.RunToExitAsync(
            "ed25519.mjs", "verify", key.PublicKey.ToString(), MessageId, s_timestamp, ours, file));

        Assert.Equal((0, "verified"), (right.ExitCode, right.Output));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal(1, tampered.ExitCode);
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Node_OurJsonWebKey_ImportsAndVerifiesOurSignature()
    {
        var key = WebhookSigningKey.Parse(WebhookSigningKey.Generate());
        var ours = WebhookSigner.Sign(key, MessageId, Timestamp, s_body);

        var verified = await NodeTool.WithFileAsync(key.PublicKey.ToJsonWebKey(), jwk => NodeVerifyAsync(jwk, ours));

        Assert.Equal((0, "verified"), (verified.ExitCode, verified.Output));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Node_TheirJsonWebKeySet_ReadsAsTheirEd25519Key_SkippingTheRsaKey()
    {
        var generated = await GenerateAsync();

        var keys = WebhookJsonWebKeySet.Parse(generated.Jwks);

        Assert.Equal(WebhookPublicKey.Parse(generated.PublicKey), Assert.Single(keys));
        Assert.Contains("\"kty\":\"RSA\"", generated.Jwks, StringComparison.Ordinal);
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Npm_OurHeaderWithBothSchemes_VerifiesWithTheOfficialLibrary_AndWithNodesEd25519()
    {
        var secret = WebhookSecret.Generate();
        var key = WebhookSigningKey.Parse(WebhookSigningKey.Generate());
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var both = WebhookSigner.Sign([WebhookSecret.Parse(secret)], [key], MessageId, now, s_body);
        var seconds = Seconds(now);

        // The official library knows v1 only: it skips the v1a entry, as the specification asks of unknown versions.
        var official = await NodeTool.WithFileAsync(Body, file => NodeTool.RunAsync(
            "standard-webhooks.mjs", "verify", secret, MessageId, seconds, both, file));
        var ed25519 = await NodeTool.WithFileAsync(Body, file => NodeTool.RunAsync(
            "ed25519.mjs", "verify", key.PublicKey.ToString(), MessageId, seconds, both, file));

        Assert.Equal(("verified", "verified"), (official, ed25519));
    }

    private static async Task<(string SigningKey, string PublicKey, string Jwks)> GenerateAsync()
    {
        using var generated = JsonDocument.Parse(await NodeTool.RunAsync("ed25519.mjs", "generate"));
        var root = generated.RootElement;
        return (
            root.GetProperty("signingKey").GetString()!, root.GetProperty("publicKey").GetString()!, root.GetProperty("jwks").GetRawText());
    }

    private static Task<string> NodeSignAsync(string signingKey) =>
        NodeTool.WithFileAsync(Body, file => NodeTool.RunAsync("ed25519.mjs", "sign", signingKey, MessageId, s_timestamp, file));

    private static Task<(int ExitCode, string Output, string Errors)> NodeVerifyAsync(string key, string signature) =>
        NodeTool.WithFileAsync(
            Body, file => NodeTool.RunToExitAsync("ed25519.mjs", "verify", key, MessageId, s_timestamp, signature, file));

    private static WebhookVerificationResult OurVerify(WebhookPublicKey publicKey, string signature) =>
        new WebhookVerifier(publicKey) { TimeProvider = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)) }
            .Verify(MessageId, s_timestamp, signature, s_body);

    private static string Seconds(long timestamp) => timestamp.ToString(CultureInfo.InvariantCulture);
}
