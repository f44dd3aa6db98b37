namespace Hookline.Tests.StandardWebhooks;

public class WebhookSecretTests
{
    [Fact]
    public void Generate_Default_MakesDistinctWhsecSecretsOf32Bytes()
    {
        var one = WebhookSecret.Generate();
        var two = WebhookSecret.Generate();

        Assert.NotEqual(one, two);
        Assert.StartsWith("whsec_", one);
        Assert.Equal(WebhookSecret.DefaultKeyBytes, WebhookSecret.Parse(one).Key.Length);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(64)]
    public void Generate_Bounds_ParseBackWithThatKeyLength(int keyBytes) =>
        Assert.Equal(keyBytes, WebhookSecret.Parse(WebhookSecret.Generate(keyBytes)).Key.Length);

    [Theory]
    [InlineData(23)]
    [InlineData(65)]
    public void Generate_KeyLengthOutOfRange_Throws(int keyBytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.Generate(keyBytes));

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "starts with 'whsec_'")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "starts with 'whsec_'")]
    [InlineData("whsec_not base64!", "followed by base64")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "followed by base64")]
    [InlineData("whsec_", "24 to 64 bytes; this one has 0")]
    [InlineData("whsec_c2hvcnQ=", "24 to 64 bytes; this one has 5")]
    [InlineData("whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "this one has 65")]
    public void Parse_BadSecret_SaysWhatIsWrongWithoutTheSecret(string secret, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookSecret.Parse(secret));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..] is { Length: > 0 } key ? key : secret, error.Message, StringComparison.Ordinal);
        Assert.False(WebhookSecret.TryParse(secret, out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(WebhookSecret.TryParse(null, out _));

    [Fact]
    public void TryParse_SpecificationSecret_ReturnsItsKey()
    {
        Assert.True(WebhookSecret.TryParse(SpecVector.Secret, out var secret));
        Assert.Equal(Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), secret.Key.ToArray());
    }

    [Fact]
    public void ToString_DoesNotRevealTheKey() =>
        Assert.DoesNotContain(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookSecret.Parse(SpecVector.Secret).ToString(), StringComparison.Ordinal);
}
