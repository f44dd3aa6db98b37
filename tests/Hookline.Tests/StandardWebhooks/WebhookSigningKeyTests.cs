namespace Hookline.Tests.StandardWebhooks;

public class WebhookSigningKeyTests
{
    [Fact]
    public void Generate_Twice_MakesDistinctWhskKeysThatParse()
    {
        var one = WebhookSigningKey.Generate();
        var two = WebhookSigningKey.Generate();

        Assert.StartsWith("whsk_", one, StringComparison.Ordinal);
        Assert.Equal(WebhookSigningKey.KeyBytes, Convert.FromBase64String(one["whsk_".Length..]).Length);
        Assert.NotEqual(WebhookSigningKey.Parse(one).PublicKey, WebhookSigningKey.Parse(two).PublicKey);
    }

    [Fact]
    public void Generate_KeysLastHalf_IsItsPublicKey()
    {
        var generated = WebhookSigningKey.Generate();

        var publicHalf = Convert.FromBase64String(generated["whsk_".Length..])[32..];

        Assert.Equal("whpk_" + Convert.ToBase64String(publicHalf), WebhookSigningKey.Parse(generated).PublicKey.ToString());
    }

    [Theory]
    [InlineData(AsymmetricVector.SigningKey, AsymmetricVector.PublicKey)]
    [InlineData(AsymmetricVector.SvixSigningKey, AsymmetricVector.SvixPublicKey)]
    public void Parse_KnownKey_DerivesItsKnownPublicKey(string signingKey, string publicKey) =>
        Assert.Equal(publicKey, WebhookSigningKey.Parse(signingKey).PublicKey.ToString());

    [Theory]
    [InlineData("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==", "starts with 'whsk_'")]
    [InlineData("WHSK_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==", "starts with 'whsk_'")]
    [InlineData(AsymmetricVector.PublicKey, "This is a public key ('whpk_'), which verifies")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "This is a secret for v1 signatures ('whsec_')")]
    [InlineData("whsk_not base64!", "followed by base64")]
    [InlineData("whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=", "64 bytes (an Ed25519 seed, then its public key); this one has 32")]
    [InlineData("whsk_", "this one has 0")]
    [InlineData(AsymmetricVector.SvixDamagedSigningKey, "last 32 bytes are not the public key of its first 32")]
    public void Parse_BadKey_SaysWhatIsWrongWithoutTheKey(string signingKey, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookSigningKey.Parse(signingKey));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        var material = signingKey[(signingKey.IndexOf('_', StringComparison.Ordinal) + 1)..];
        Assert.DoesNotContain(material.Length > 0 ? material : signingKey, error.Message, StringComparison.Ordinal);
        Assert.False(WebhookSigningKey.TryParse(signingKey, out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(WebhookSigningKey.TryParse(null, out _));

    [Fact]
    public void TryParse_KnownKey_ReturnsTrue() => Assert.True(WebhookSigningKey.TryParse(AsymmetricVector.SigningKey, out _));

    [Fact]
    public void ToString_DoesNotRevealTheKey()
    {
        var text = WebhookSigningKey.Parse(AsymmetricVector.SigningKey).ToString();

        Assert.DoesNotContain("nWGxne", text, StringComparison.Ordinal);
        Assert.DoesNotContain("whsk_", text, StringComparison.Ordinal);
    }
}
