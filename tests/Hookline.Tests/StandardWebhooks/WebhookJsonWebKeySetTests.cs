using System.Text;

namespace Hookline.Tests.StandardWebhooks;

public class WebhookJsonWebKeySetTests
{
    private static readonly WebhookPublicKey s_rfc = WebhookPublicKey.Parse(AsymmetricVector.PublicKey);
    private static readonly WebhookPublicKey s_svix = WebhookPublicKey.Parse(AsymmetricVector.SvixPublicKey);

    [Fact]
    public void Format_TwoKeys_ParsesBackToThemInOrder()
    {
        var set = WebhookJsonWebKeySet.Format([s_svix, s_rfc]);

        Assert.Equal([s_svix, s_rfc], WebhookJsonWebKeySet.Parse(set));
        Assert.StartsWith(
            """{"keys":[{"kty":"OKP","crv":"Ed25519","x":"1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4",""", set, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NoKeys_IsAnEmptySet() => Assert.Equal("""{"keys":[]}""", WebhookJsonWebKeySet.Format([]));

    [Fact]
    public void Parse_Rfc8037ExampleKey_ReadsIt_WhateverItsKid()
    {
        var set = $$"""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"{{AsymmetricVector.JsonWebKeyX}}","kid":"2026-key"}]}""";

        Assert.Equal(s_rfc, Assert.Single(WebhookJsonWebKeySet.Parse(set)));
        Assert.Equal(s_rfc, Assert.Single(WebhookJsonWebKeySet.Parse(Encoding.UTF8.GetBytes(set))));
    }

    [Fact]
    public void Parse_KeysForOtherAlgorithmsOrUses_AreSkipped()
    {
        var x = AsymmetricVector.JsonWebKeyX;
        var set = $$"""
            {"keys":[
              {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP","e":"AQAB"},
              {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
               "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
              {"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"},
              {"kty":"OKP","crv":"Ed448","x":"X9dEm1m0Yf0s54fsYWrUah2hNCSFpw4fig6nXYDpZ3jt8SR2m0bHBhvWeD3x5Q9s0foavq_oJWGA"},
              {"kty":"OKP","crv":"Ed25519","x":"{{x}}","use":"enc"},
              {"kty":"OKP","crv":"Ed25519","x":"{{x}}","alg":"RS256"},
              {"kty":"OKP","crv":"Ed25519","x":"1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4","alg":"EdDSA","use":"sig"},
              {"kty":"OKP","crv":"Ed25519","x":"{{x}}","alg":"Ed25519"}
            ]}
            """;

        Assert.Equal([s_svix, s_rfc], WebhookJsonWebKeySet.Parse(set));
    }

    [Theory]
    [InlineData("""{"keys":[""", "A JSON Web Key Set is JSON")]
    [InlineData("""[]""", "an object with a 'keys' array")]
    [InlineData("""{"keys":{}}""", "an object with a 'keys' array")]
    [InlineData("""{"Keys":[]}""", "an object with a 'keys' array")]
    [InlineData("""{"keys":["whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="]}""", "keys[0] is not a JSON object")]
    [InlineData(
        """{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}""",
        "keys[0] is a private key (it has a 'd')")]
    [InlineData("""{"keys":[{"kty":"RSA","e":"AQAB"},{"kty":"OKP","crv":"Ed25519"}]}""", "keys[1]'s 'x' is not the base64url of a 32-byte")]
    [InlineData("""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH"}]}""", "keys[0]'s 'x'")]
    [InlineData("""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}]}""", "keys[0]'s 'x'")]
    [InlineData("""{"keys":[{"kty":"OKP","crv":"Ed25519","x":32}]}""", "keys[0]'s 'x'")]
    public void Parse_Malformed_SaysWhichEntryAndHow(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WebhookJsonWebKeySet.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nWGxne", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SetOfOnlyOtherKeys_IsEmpty() =>
        Assert.Empty(WebhookJsonWebKeySet.Parse("""{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"""));
}
