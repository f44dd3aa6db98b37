using System.Text;

namespace Hookline.Tests.StandardWebhooks;

public class WebhookSignerTests
{
    private static readonly WebhookSecret s_secret = WebhookSecret.Parse(SpecVector.Secret);
    private static readonly WebhookSigningKey s_signingKey = WebhookSigningKey.Parse(AsymmetricVector.SigningKey);

    [Fact]
    public void Sign_SpecificationTestVector_MatchesTheOfficialLibraries() =>
        Assert.Equal(SpecVector.Signature, WebhookSigner.Sign(s_secret, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));

    [Fact]
    public void Sign_OtherId_Timestamp_OrBody_ChangesTheSignature()
    {
        var body = SpecVector.BodyBytes;

        Assert.NotEqual(SpecVector.Signature, WebhookSigner.Sign(s_secret, "msg_other", SpecVector.Timestamp, body));
        Assert.NotEqual(SpecVector.Signature, WebhookSigner.Sign(s_secret, SpecVector.MessageId, SpecVector.Timestamp + 1, body));
        Assert.NotEqual(
            SpecVector.Signature, WebhookSigner.Sign(s_secret, SpecVector.MessageId, SpecVector.Timestamp, [.. body, (byte)' ']));
    }

    [Fact]
    public void Sign_TwoSecrets_SignsWithEachInOrderSpaceSeparated()
    {
        var second = WebhookSecret.Parse(WebhookSecret.Generate());

        var header = WebhookSigner.Sign([s_secret, second], SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);

        Assert.Equal(
            [SpecVector.Signature, WebhookSigner.Sign(second, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes)],
            header.Split(' '));
    }

    [Fact]
    public void Sign_NoSecrets_Throws() =>
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign([], SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));

    [Fact]
    public void Sign_NoSecretsNorSigningKeys_Throws() =>
        Assert.Throws<ArgumentException>(
            () => WebhookSigner.Sign([], [], SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));

    [Fact]
    public void Sign_SigningKey_SpecificationMessage_IsWhatNodeSigns() =>
        Assert.Equal(
            AsymmetricVector.Signature,
            WebhookSigner.Sign(s_signingKey, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes));

    [Fact]
    public void Sign_SigningKey_OtherId_Timestamp_OrBody_ChangesTheSignature()
    {
        var body = SpecVector.BodyBytes;

        Assert.NotEqual(AsymmetricVector.Signature, WebhookSigner.Sign(s_signingKey, "msg_other", SpecVector.Timestamp, body));
        Assert.NotEqual(AsymmetricVector.Signature, WebhookSigner.Sign(s_signingKey, SpecVector.MessageId, SpecVector.Timestamp + 1, body));
        Assert.NotEqual(
            AsymmetricVector.Signature, WebhookSigner.Sign(s_signingKey, SpecVector.MessageId, SpecVector.Timestamp, [.. body, (byte)' ']));
    }

    [Fact]
    public void Sign_SecretsAndSigningKeys_V1EntriesThenV1aEntries_EachAsSignedAlone()
    {
        var other = WebhookSigningKey.Parse(WebhookSigningKey.Generate());

        var header = WebhookSigner.Sign(
            [s_secret], [s_signingKey, other], SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);

        Assert.Equal(
            [
                SpecVector.Signature,
                AsymmetricVector.Signature,
                WebhookSigner.Sign(other, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes),
            ],
            header.Split(' '));
        Assert.Matches("^v1a,[A-Za-z0-9+/]{86}==$", header.Split(' ')[2]);
    }

    [Fact]
    public void Sign_NonAsciiIdAndLargeBody_SignsTheirUtf8Bytes()
    {
        var body = Encoding.UTF8.GetBytes($"{{\"name\":\"Zoë ✓\",\"pad\":\"{new string('x', 300_000)}\"}}");
        byte[] content = [.. Encoding.UTF8.GetBytes("msg_é.42."), .. body];
        var expected = "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(s_secret.Key.ToArray(), content));

        Assert.Equal(expected, WebhookSigner.Sign(s_secret, "msg_é", 42, body));
    }
}
