namespace Hookline.Receiving;

/// <summary>The Ed25519 keys one fetch of a key set gave; a new instance only when they change.</summary>
internal sealed class WebhookPublicKeySet(IReadOnlyList<WebhookPublicKey> keys)
{
    /// <summary>Before the first successful fetch.</summary>
    public static readonly WebhookPublicKeySet Empty = new([]);

    public IReadOnlyList<WebhookPublicKey> Keys { get; } = keys;
}
