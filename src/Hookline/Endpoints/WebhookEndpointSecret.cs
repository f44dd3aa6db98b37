namespace Hookline;

/// <summary>A signing secret of an endpoint: a <c>whsec_</c> secret (<c>v1</c>) or a <c>whsk_</c> signing key (<c>v1a</c>).</summary>
/// <param name="Value">The secret, <c>whsec_...</c>, or the signing key, <c>whsk_...</c>.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops signing (after a rotation); <see langword="null"/> for the current secret.</param>
public sealed record WebhookEndpointSecret(string Value, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Whether it still signs at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;

    /// <summary>The scheme it signs with, read from its <see cref="Value"/> in the clear.</summary>
    public WebhookSignatureScheme Scheme =>
        Value.StartsWith(WebhookSigningKey.Prefix, StringComparison.Ordinal) ? WebhookSignatureScheme.V1a : WebhookSignatureScheme.V1;
}
