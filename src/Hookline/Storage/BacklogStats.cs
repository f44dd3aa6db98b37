namespace Hookline.Storage;

/// <summary>The pending deliveries, for metrics and health.</summary>
/// <param name="Pending">How many deliveries are pending.</param>
/// <param name="OldestDueAt">When the longest-waiting due delivery became due; <see langword="null"/> when none is due.</param>
public sealed record BacklogStats(long Pending, DateTimeOffset? OldestDueAt)
{
    /// <summary>How long the longest-waiting due delivery has waited at <paramref name="now"/>; zero when none is due.</summary>
    public TimeSpan OldestDueAge(DateTimeOffset now) => OldestDueAt is { } due && due < now ? now - due : TimeSpan.Zero;
}
