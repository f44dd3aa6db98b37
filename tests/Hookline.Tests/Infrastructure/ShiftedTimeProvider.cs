namespace Hookline.Tests;

/// <summary>The system clock moved by <see cref="Offset"/>, which a test can change: to jump past a long wait.</summary>
internal sealed class ShiftedTimeProvider(TimeSpan offset = default) : TimeProvider
{
    public TimeSpan Offset { get; set; } = offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
