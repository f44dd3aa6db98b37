using Microsoft.Extensions.Time.Testing;

namespace Hookline.Tests.StandardWebhooks;

public class WebhookVerifierTests
{
    private const string Timestamp = "1614265330";
    private static readonly WebhookSecret s_secret = WebhookSecret.Parse(SpecVector.Secret);
    private static readonly WebhookPublicKey s_publicKey = WebhookPublicKey.Parse(AsymmetricVector.PublicKey);
    private readonly FakeTimeProvider _time = new(SpecVector.SignedAt);

    [Fact]
    public void Verify_SpecificationTestVector_Verified() =>
        Assert.Equal(WebhookVerificationResult.Verified, Verify(SpecVector.Signature));

    [Theory]
    [InlineData(null, Timestamp, SpecVector.Signature)]
    [InlineData("", Timestamp, SpecVector.Signature)]
    [InlineData(SpecVector.MessageId, null, SpecVector.Signature)]
    [InlineData(SpecVector.MessageId, "", SpecVector.Signature)]
    [InlineData(SpecVector.MessageId, Timestamp, null)]
    [InlineData(SpecVector.MessageId, Timestamp, "")]
    public void Verify_MissingHeader_MissingHeader(string? id, string? timestamp, string? signature) =>
        Assert.Equal(
            WebhookVerificationResult.MissingHeader,
            Verifier().Verify(id, timestamp, signature, SpecVector.BodyBytes));

    [Theory]
    [InlineData("soon")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330.5")]
    [InlineData("1614265330000000000000")]
    public void Verify_UnreadableTimestamp_InvalidTimestamp(string timestamp) =>
        Assert.Equal(
            WebhookVerificationResult.InvalidTimestamp,
            Verifier().Verify(SpecVector.MessageId, timestamp, SpecVector.Signature, SpecVector.BodyBytes));

    [Fact]
    public void Verify_SignedFiveMinutesAgo_VerifiedAndASecondMoreIsTooOld()
    {
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(SpecVector.Signature));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WebhookVerificationResult.TimestampTooOld, Verify(SpecVector.Signature));
    }

    [Fact]
    public void Verify_SignedFiveMinutesAhead_VerifiedAndASecondMoreIsInTheFuture()
    {
        var early = new FakeTimeProvider(SpecVector.SignedAt - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var verifier = new WebhookVerifier(s_secret) { TimeProvider = early };
        Assert.Equal(WebhookVerificationResult.TimestampInFuture, Verify(verifier, SpecVector.Signature));

        early.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(verifier, SpecVector.Signature));
    }

    [Fact]
    public void Verify_OtherTolerance_AppliesIt()
    {
        var verifier = new WebhookVerifier(s_secret) { TimeProvider = _time, Tolerance = TimeSpan.FromSeconds(30) };
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(WebhookVerificationResult.TimestampTooOld, Verify(verifier, SpecVector.Signature));
    }

    [Fact]
    public void Verify_OldTimestampWithAValidSignature_IsTooOldBeforeTheSignatureIsChecked()
    {
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(WebhookVerificationResult.TimestampTooOld, Verify("v1,not-checked"));
    }

    [Fact]
    public void Verify_OtherSecret_NoMatchingSignature()
    {
        var verifier = new WebhookVerifier(WebhookSecret.Parse(WebhookSecret.Generate())) { TimeProvider = _time };

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(verifier, SpecVector.Signature));
    }

    [Fact]
    public void Verify_ChangedBodyOrId_NoMatchingSignature()
    {
        byte[] changed = [.. SpecVector.BodyBytes, (byte)'\n'];

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(Verifier(), SpecVector.Signature, changed));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(Verifier(), SpecVector.Signature, id: "msg_other"));
    }

    [Theory]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,bm90IHRoZSByaWdodCBvbmU=")]
    [InlineData("v1,bm90IHRoZSByaWdodCBvbmU= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1a,xyz v2,abc  v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,!!! v1, v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void Verify_SeveralSignaturesOneMatching_Verified(string header) =>
        Assert.Equal(WebhookVerificationResult.Verified, Verify(header));

    [Theory]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")] // a version we do not know, even with v1's bytes
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O")] // truncated
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEA")] // not base64 of 32 bytes
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA")] // longer
    [InlineData("v1,bm90IHRoZSByaWdodCBvbmU=")]
    [InlineData(" ")]
    public void Verify_NoMatchingV1Signature_NoMatchingSignature(string header) =>
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(header));

    [Fact]
    public void Verify_DuringRotation_AcceptsTheOldAndTheNewSecretAndTheNewAloneRefusesTheOld()
    {
        var old = s_secret;
        var next = WebhookSecret.Parse(WebhookSecret.Generate());
        var both = new WebhookVerifier(old, next) { TimeProvider = _time };
        var onlyNext = new WebhookVerifier([next]) { TimeProvider = _time };
        var byOld = WebhookSigner.Sign(old, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);
        var byNext = WebhookSigner.Sign(next, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);
        var byBoth = WebhookSigner.Sign([old, next], SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);

        Assert.Equal(WebhookVerificationResult.Verified, Verify(both, byOld));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(both, byNext));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(onlyNext, byBoth));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(onlyNext, byOld));
    }

    [Fact]
    public void Verify_ManySecrets_FindsTheOneThatSigned()
    {
        List<WebhookSecret> secrets = [.. Enumerable.Range(0, 12).Select(_ => WebhookSecret.Parse(WebhookSecret.Generate())), s_secret];

        var verifier = new WebhookVerifier(secrets) { TimeProvider = _time };

        Assert.Equal(WebhookVerificationResult.Verified, Verify(verifier, SpecVector.Signature));
    }

    [Fact]
    public void Verify_V1aSpecificationMessage_Verified() =>
        Assert.Equal(WebhookVerificationResult.Verified, Verify(PublicKeyVerifier(), AsymmetricVector.Signature));

    [Fact]
    public void Verify_V1aChangedBodyIdOrTimestamp_NoMatchingSignature()
    {
        var verifier = PublicKeyVerifier();
        byte[] changed = [.. SpecVector.BodyBytes, (byte)'\n'];

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(verifier, AsymmetricVector.Signature, changed));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(verifier, AsymmetricVector.Signature, id: "msg_other"));
        Assert.Equal(
            WebhookVerificationResult.NoMatchingSignature,
            verifier.Verify(SpecVector.MessageId, "1614265331", AsymmetricVector.Signature, SpecVector.BodyBytes));
    }

    [Fact]
    public void Verify_V1aOtherPublicKey_NoMatchingSignature()
    {
        var verifier = new WebhookVerifier(WebhookSigningKey.Parse(WebhookSigningKey.Generate()).PublicKey) { TimeProvider = _time };

        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(verifier, AsymmetricVector.Signature));
    }

    [Fact]
    public void Verify_OneScheme_IgnoresTheOthersSignatures()
    {
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(Verifier(), AsymmetricVector.Signature));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(PublicKeyVerifier(), SpecVector.Signature));
    }

    public static TheoryData<string> EitherSchemeMatching => new()
    {
        SpecVector.Signature,
        AsymmetricVector.Signature,
        $"{SpecVector.Signature} {AsymmetricVector.Signature}",
        $"{AsymmetricVector.Signature} {SpecVector.Signature}",
        $"v1,bm90IHRoZSByaWdodCBvbmUgZWl0aGVyLCBubw== {AsymmetricVector.Signature}", // a forged v1 beside a good v1a
        $"{SpecVector.Signature} v1a,{new string('A', 86)}==", // a good v1 beside a forged v1a
        $"v2,abc v1b,{AsymmetricVector.Signature[4..]} v1a,bad {AsymmetricVector.Signature}", // unknown versions and junk ignored
    };

    [Theory]
    [MemberData(nameof(EitherSchemeMatching))]
    public void Verify_SecretAndPublicKey_AnyMatchingEntryVerifies(string header)
    {
        var verifier = new WebhookVerifier([s_secret], [s_publicKey]) { TimeProvider = _time };

        Assert.Equal(WebhookVerificationResult.Verified, Verify(verifier, header));
    }

    public static TheoryData<string> NoMatchingV1a => new()
    {
        AsymmetricVector.Signature[..^4], // 63 bytes
        AsymmetricVector.Signature[..^2] + "AAAAAA", // 69 bytes
        AsymmetricVector.Signature.Replace("v1a,", "V1A,", StringComparison.Ordinal),
        AsymmetricVector.Signature.Replace("v1a,", "v1,", StringComparison.Ordinal), // the right bytes under another version
        AsymmetricVector.Signature.Replace("v1a,", "v1a", StringComparison.Ordinal),
        AsymmetricVector.Signature.Replace("fldx", "fldy", StringComparison.Ordinal), // one bit changed
        AsymmetricVector.Signature[4..],
        "v1a,",
    };

    [Theory]
    [MemberData(nameof(NoMatchingV1a))]
    public void Verify_MalformedOrAlteredV1a_NoMatchingSignature(string header) =>
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(PublicKeyVerifier(), header));

    [Fact]
    public void Verify_V1aSignedFiveMinutesAgo_VerifiedAndASecondMoreIsTooOld()
    {
        var verifier = PublicKeyVerifier();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(verifier, AsymmetricVector.Signature));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WebhookVerificationResult.TimestampTooOld, Verify(verifier, AsymmetricVector.Signature));
    }

    [Fact]
    public void Verify_V1aSignedMoreThanFiveMinutesAhead_TimestampInFuture()
    {
        var early = new FakeTimeProvider(SpecVector.SignedAt - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        Assert.Equal(
            WebhookVerificationResult.TimestampInFuture,
            Verify(new WebhookVerifier(s_publicKey) { TimeProvider = early }, AsymmetricVector.Signature));
    }

    [Fact]
    public void Verify_DuringAKeyRotation_AcceptsEitherPublicKey()
    {
        var next = WebhookSigningKey.Parse(WebhookSigningKey.Generate());
        var both = new WebhookVerifier(s_publicKey, next.PublicKey) { TimeProvider = _time };
        var byNext = WebhookSigner.Sign(next, SpecVector.MessageId, SpecVector.Timestamp, SpecVector.BodyBytes);

        Assert.Equal(WebhookVerificationResult.Verified, Verify(both, AsymmetricVector.Signature));
        Assert.Equal(WebhookVerificationResult.Verified, Verify(both, byNext));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, Verify(PublicKeyVerifier(), byNext));
    }

    [Theory]
    [InlineData(15, WebhookVerificationResult.Verified)]
    [InlineData(16, WebhookVerificationResult.NoMatchingSignature)]
    public void Verify_ManyV1aSignatures_ChecksTheFirstSixteen(int before, WebhookVerificationResult expected)
    {
        var forged = string.Concat(Enumerable.Repeat($"v1a,{new string('A', 86)}== ", before));

        Assert.Equal(expected, Verify(PublicKeyVerifier(), forged + AsymmetricVector.Signature));
    }

    [Fact]
    public void Constructor_NoSecretsOrANegativeTolerance_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(Array.Empty<WebhookSecret>()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(Array.Empty<WebhookPublicKey>()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier([], Array.Empty<WebhookPublicKey>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookVerifier(s_secret) { Tolerance = TimeSpan.FromSeconds(-1) });
    }

    private WebhookVerifier Verifier() => new(s_secret) { TimeProvider = _time };

    private WebhookVerifier PublicKeyVerifier() => new(s_publicKey) { TimeProvider = _time };

    private WebhookVerificationResult Verify(string signature) => Verify(Verifier(), signature);

    private static WebhookVerificationResult Verify(WebhookVerifier verifier, string signature, byte[]? body = null, string? id = null) =>
        verifier.Verify(id ?? SpecVector.MessageId, Timestamp, signature, body ?? SpecVector.BodyBytes);
}
