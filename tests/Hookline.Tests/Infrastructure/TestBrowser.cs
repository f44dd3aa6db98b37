using Microsoft.Playwright;

namespace Hookline.Tests;

/// <summary>Debian's Chromium through Playwright, headless, never downloading a browser and never calling home.</summary>
internal sealed class TestBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private TestBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>
    /// Launches it; without Chromium, and not on CI, returns <see langword="null"/>, and the tests that need it skip
    /// (<c>[RequiresFact(Requirement.Chromium)]</c>).
    /// </summary>
    public static async Task<TestBrowser?> StartAsync()
    {
        if (!TestEnvironment.HasChromium && !TestEnvironment.IsCI)
        {
            return null;
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return new(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
