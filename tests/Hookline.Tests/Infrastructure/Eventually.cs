namespace Hookline.Tests;

/// <summary>Waits for something the app does in the background.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> if it does not within the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls <paramref name="read"/> until its result satisfies <paramref name="done"/>, and returns it.</summary>
    public static async Task<T> ReadsAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var value = await read();
        await HoldsAsync(async () => done(value = await read()), what, timeout);
        return value;
    }
}
