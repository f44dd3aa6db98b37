using System.Text.Json.Nodes;

namespace Hookline.Tests.StandardWebhooks;

public class WebhookPublicKeyTests
{
    [Fact]
    public void Parse_ThenToString_GivesTheKeyBack() =>
        Assert.Equal(AsymmetricVector.PublicKey, WebhookPublicKey.Parse(AsymmetricVector.PublicKey).ToString());

    [Theory]
    [InlineData("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "A webhook public key starts with 'whpk_'.")]
    [InlineData(AsymmetricVector.SigningKey, "This is a signing key ('whsk_'), which stays with the sender")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "A webhook public key starts with 'whpk_'.")]
    [InlineData("whpk_11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "followed by base64")] // base64url is not base64
    [InlineData("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ==", "32 bytes (an Ed25519 public key); this one has 31")]
    [InlineData("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA", "this one has 33")]
    public void Parse_BadKey_SaysWhatIsWrong(string publicKey, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookPublicKey.Parse(publicKey));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nWGxne", error.Message, StringComparison.Ordinal); // a signing key given by mistake is not echoed
        Assert.False(WebhookPublicKey.TryParse(publicKey, out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(WebhookPublicKey.TryParse(null, out _));

    [Fact]
    public void Thumbprint_Rfc8037ExampleKey_IsTheRfcsThumbprint() =>
        Assert.Equal(AsymmetricVector.Thumbprint, WebhookPublicKey.Parse(AsymmetricVector.PublicKey).Thumbprint);

    [Fact]
    public void ToJsonWebKey_Rfc8037ExampleKey_IsTheRfcsOkpKey_WithItsThumbprintAsKid()
    {
        var jwk = JsonNode.Parse(WebhookPublicKey.Parse(AsymmetricVector.PublicKey).ToJsonWebKey())!.AsObject();

        Assert.Equal(
            ["kty=OKP", "crv=Ed25519", $"x={AsymmetricVector.JsonWebKeyX}", $"kid={AsymmetricVector.Thumbprint}", "use=sig"],
            jwk.Select(member => $"{member.Key}={member.Value!.GetValue<string>()}"));
    }

    [Fact]
    public void Equals_SameKeyParsedTwice_EqualWithTheSameHash_AndAnotherKeyIsNot()
    {
        var one = WebhookPublicKey.Parse(AsymmetricVector.PublicKey);
        var two = WebhookPublicKey.Parse(AsymmetricVector.PublicKey);
        var other = WebhookPublicKey.Parse(AsymmetricVector.SvixPublicKey);

        Assert.True(one.Equals(two));
        Assert.True(one.Equals((object)two));
        Assert.Equal(one.GetHashCode(), two.GetHashCode());
        Assert.False(one.Equals(other));
        Assert.False(one.Equals(null));
    }
}
