namespace Hookline.Storage;

/// <summary>A signing secret of an endpoint.</summary>
/// <param name="Value">The secret, <c>whsec_...</c>.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops signing (after a rotation); <see langword="null"/> for the current secret.</param>
public sealed record WebhookEndpointSecret(string Value, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Whether it still signs at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
