namespace Hookline.Tests;

/// <summary>The system clock moved by a fixed offset; timers run in real time.</summary>
internal sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
