namespace Hookline.Management;

/// <summary>A JSON Web Key Set (RFC 7517) of Ed25519 public keys: what the key set route answers, as its OpenAPI schema says.</summary>
/// <param name="Keys">The keys that verify the endpoint's <c>v1a</c> signatures, current first.</param>
internal sealed record WebhookJsonWebKeySetDocument(IReadOnlyList<WebhookJsonWebKey> Keys);

/// <summary>An Ed25519 public key as a JSON Web Key (RFC 8037).</summary>
/// <param name="Kty">The key type: always <c>OKP</c>.</param>
/// <param name="Crv">The curve: always <c>Ed25519</c>.</param>
/// <param name="X">The public key's 32 bytes, base64url.</param>
/// <param name="Kid">The key's RFC 7638 thumbprint, as in the endpoint's <c>publicKeys</c>.</param>
/// <param name="Use">What it is for: always <c>sig</c>.</param>
internal sealed record WebhookJsonWebKey(string Kty, string Crv, string X, string Kid, string Use);
