using System.Text;

namespace Hookline.Tests.Signing;

public class WebhookSignatureTests
{
    // The Standard Webhooks specification's test vector.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    [Fact]
    public void Sign_StandardWebhooksTestVector_MatchesTheSpecification()
    {
        var signature = WebhookSignature.Sign(WebhookSecret.DecodeKey(Secret), MessageId, Timestamp, s_payload);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Sign_OtherTimestamp_ChangesTheSignature()
    {
        var key = WebhookSecret.DecodeKey(Secret);

        Assert.NotEqual(WebhookSignature.Sign(key, MessageId, Timestamp, s_payload), WebhookSignature.Sign(key, MessageId, Timestamp + 1, s_payload));
    }

    [Fact]
    public void SignatureHeader_TwoKeys_SignsWithEachSpaceSeparated()
    {
        var first = WebhookSecret.DecodeKey(Secret);
        var second = WebhookSecret.DecodeKey(WebhookSecret.Generate());

        var header = WebhookSignature.SignatureHeader([first, second], MessageId, Timestamp, s_payload);

        Assert.Equal(
            [WebhookSignature.Sign(first, MessageId, Timestamp, s_payload), WebhookSignature.Sign(second, MessageId, Timestamp, s_payload)],
            header.Split(' '));
    }

    [Fact]
    public void Generate_MakesDistinctSecretsOfTheDefaultSize()
    {
        var one = WebhookSecret.Generate();
        var two = WebhookSecret.Generate();

        Assert.NotEqual(one, two);
        Assert.StartsWith("whsec_", one);
        Assert.Equal(WebhookSecret.DefaultKeyBytes, WebhookSecret.DecodeKey(one).Length);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "starts with 'whsec_'")]
    [InlineData("whsec_not base64!", "followed by base64")]
    [InlineData("whsec_c2hvcnQ=", "24 to 64 bytes; this one has 5")]
    public void DecodeKey_BadSecret_SaysWhatIsWrongWithoutTheSecret(string secret, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookSecret.DecodeKey(secret));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(secret, error.Message);
    }
}
