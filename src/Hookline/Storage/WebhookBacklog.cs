namespace Hookline.Storage;

/// <summary>The pending deliveries, and the messages not yet fanned out into deliveries, for metrics and health.</summary>
/// <param name="Pending">How many deliveries are pending, plus how many messages wait to be fanned out (one each).</param>
/// <param name="OldestDueAt">
/// When the longest-waiting due delivery became due, or the longest-waiting message not yet fanned out was published, whichever is
/// earlier; <see langword="null"/> when nothing is due.
/// </param>
/// <param name="FailingEndpoints">
/// How many enabled endpoints' latest attempt failed: their circuit lets one attempt through at a time, or none while open.
/// </param>
public sealed record WebhookBacklog(long Pending, DateTimeOffset? OldestDueAt, long FailingEndpoints = 0)
{
    /// <summary>How long the longest-waiting due delivery has waited at <paramref name="now"/>; zero when none is due.</summary>
    public TimeSpan OldestDueAge(DateTimeOffset now) => OldestDueAt is { } due && due < now ? now - due : TimeSpan.Zero;
}
