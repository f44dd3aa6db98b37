namespace Hookline.Tests.StandardWebhooks;

/// <summary>
/// Known keys and a known <c>v1a</c> signature. The specification has no <c>v1a</c> test vector; Ed25519 signatures are
/// deterministic, so one made by an independent implementation is a vector.
/// </summary>
internal static class AsymmetricVector
{
    /// <summary>The key of RFC 8032's first Ed25519 test (also RFC 8037's example key): its seed, then its public key.</summary>
    public const string SigningKey = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==";

    /// <summary>RFC 8032's public key for that seed.</summary>
    public const string PublicKey = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    /// <summary>The public key's <c>x</c> in RFC 8037's example JSON Web Key (appendix A.2).</summary>
    public const string JsonWebKeyX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    /// <summary>The key's RFC 7638 thumbprint, as RFC 8037 appendix A.3 gives it.</summary>
    public const string Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    /// <summary>
    /// The specification's test message (<see cref="SpecVector"/>: its id, timestamp and body) signed with <see cref="SigningKey"/>
    /// by Node's built-in Ed25519 (tests/node/ed25519.mjs).
    /// </summary>
    public const string Signature = "v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==";

    /// <summary>A signing key from the tests of Svix's open-source server, which defines the <c>whsk_</c> format.</summary>
    public const string SvixSigningKey = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";

    /// <summary>Its public key, as the same tests give it.</summary>
    public const string SvixPublicKey = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";

    /// <summary>The same key with bytes of its public half changed, which Svix's tests refuse.</summary>
    public const string SvixDamagedSigningKey =
        "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlaaaaaaaaaaAJ6p9lMicMFs6Kvg==";
}
