namespace Hookline.Storage;

/// <summary>The pending deliveries, for metrics and health.</summary>
/// <param name="Pending">How many deliveries are pending.</param>
/// <param name="OldestDueAt">When the longest-waiting due delivery became due; <see langword="null"/> when none is due.</param>
public sealed record BacklogStats(long Pending, DateTimeOffset? OldestDueAt);
