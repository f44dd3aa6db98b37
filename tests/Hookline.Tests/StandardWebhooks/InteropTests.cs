using System.Text;
using TheirWebhook = global::StandardWebhooks.StandardWebhook;
using TheirVerificationException = global::StandardWebhooks.Diagnostics.WebhookVerificationException;

namespace Hookline.Tests.StandardWebhooks;

/// <summary>
/// Hookline.StandardWebhooks against other implementations, both ways: the official npm <c>standardwebhooks</c> (through
/// tests/node/standard-webhooks.mjs) and the NuGet <c>StandardWebhooks</c> package. Their verifiers read the real clock,
/// so these sign with the current time.
/// </summary>
public class InteropTests
{
    private const string MessageId = "msg_2mK8dQ4Xz7LbYcP1vN3eRt";

    // Non-ASCII and JSON escapes: both sides must sign the same UTF-8 bytes.
    private const string Body = """{"username":"Zoë","note":"✓ \"quoted\" \\ slash","monthlyFee":9.99}""";
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(Body);

    [RequiresFact(Requirement.NodeTools)]
    public async Task Npm_SignsTheSpecificationTestVector_AsWeDo()
    {
        var theirs = await NodeSignAsync(SpecVector.Secret, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.Body);

        Assert.Equal(SpecVector.Signature, theirs);
        Assert.Equal(
            theirs,
            WebhookSigner.Sign(WebhookSecret.Parse(SpecVector.Secret), SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Npm_TheirSignature_VerifiesWithOurs()
    {
        var secret = WebhookSecret.Generate();
        var timestamp = Now();

        var theirs = await NodeSignAsync(secret, MessageId, timestamp, Body);

        Assert.Equal(WebhookVerificationResult.Verified, OurVerify(secret, timestamp, theirs));
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Npm_OurRotationHeader_VerifiesWithEitherSecret()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        var timestamp = Now();
        var ours = WebhookSigner.Sign([WebhookSecret.Parse(old), WebhookSecret.Parse(next)], MessageId, timestamp, s_body);

        foreach (var secret in new[] { old, next })
        {
            var output = await NodeTool.WithFileAsync(Body, file => NodeTool.RunAsync(
                "standard-webhooks.mjs", "verify", secret, MessageId, Seconds(timestamp), ours, file));
            Assert.Equal("verified", output);
        }
    }

    [Fact]
    public void NuGet_SignsTheSpecificationTestVector_AsWeDo() =>
        Assert.Equal(
            SpecVector.Signature,
            new TheirWebhook(SpecVector.Secret).Sign(SpecVector.MessageId, SpecVector.SignedAt, SpecVector.Body));

    [Fact]
    public void NuGet_TheirSignature_VerifiesWithOurs()
    {
        var secret = WebhookSecret.Generate();
        var timestamp = Now();

        var theirs = new TheirWebhook(secret).Sign(MessageId, DateTimeOffset.FromUnixTimeSeconds(timestamp), Body);

        Assert.Equal(WebhookVerificationResult.Verified, OurVerify(secret, timestamp, theirs));
    }

    [Fact]
    public void NuGet_OurSignatures_VerifyWithTheirsAndAnotherSecretIsRefused()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        var timestamp = Now();
        HeaderDictionary Headers(string signature) => new()
        {
            [WebhookHeaders.Id] = MessageId,
            [WebhookHeaders.Timestamp] = Seconds(timestamp),
            [WebhookHeaders.Signature] = signature,
        };
        var rotation = Headers(WebhookSigner.Sign([WebhookSecret.Parse(old), WebhookSecret.Parse(next)], MessageId, timestamp, s_body));

        new TheirWebhook(old).Verify(Body, Headers(WebhookSigner.Sign(WebhookSecret.Parse(old), MessageId, timestamp, s_body)));
        new TheirWebhook(next).Verify(Body, Headers(WebhookSigner.Sign(WebhookSecret.Parse(next), MessageId, timestamp, s_body)));
        new TheirWebhook(old).Verify(Body, rotation);
        // Not `next` against the rotation header: StandardWebhooks 1.1.2's verifier compares the whole header, not its last
        // signature, on its last pass, so it never matches the last of several. The npm library checks that case above.
        Assert.Throws<TheirVerificationException>(() => new TheirWebhook(WebhookSecret.Generate()).Verify(Body, rotation));
    }

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

    private static string Seconds(long timestamp) => timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task<string> NodeSignAsync(string secret, string messageId, long timestamp, string body) =>
        NodeTool.WithFileAsync(body, file =>
            NodeTool.RunAsync("standard-webhooks.mjs", "sign", secret, messageId, Seconds(timestamp), file));

    private static WebhookVerificationResult OurVerify(string secret, long timestamp, string signature) =>
        new WebhookVerifier(WebhookSecret.Parse(secret)).Verify(MessageId, Seconds(timestamp), signature, s_body);
}
