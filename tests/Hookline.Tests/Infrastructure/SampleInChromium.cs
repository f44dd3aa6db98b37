using Microsoft.Playwright;

namespace Hookline.Tests;

/// <summary>
/// For tests that look at the sample's pages: the sample as <c>dotnet run</c> starts it, on Kestrel, and Debian's Chromium, both
/// started before each test and stopped after it.
/// </summary>
public abstract class SampleInChromium : IAsyncLifetime
{
    private SampleFactory? _sample;
    private TestBrowser? _chromium;

    protected SampleFactory Sample => _sample ?? throw new InvalidOperationException("The sample starts in InitializeAsync.");

    /// <summary>Chromium, for tests marked <c>[RequiresFact(Requirement.Chromium)]</c>: they skip where it is not installed.</summary>
    protected IBrowser Browser =>
        _chromium?.Browser ?? throw new InvalidOperationException("No Chromium: mark the test [RequiresFact(Requirement.Chromium)].");

    public async Task InitializeAsync()
    {
        _sample = SampleFactory.Development();
        _chromium = await TestBrowser.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }
    }
}
