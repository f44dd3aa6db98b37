namespace Hookline.Tests;

/// <summary>
/// The sample (built next to the tests) in a child process of its own, as <c>dotnet run</c> starts it in Development (API keys
/// <c>alice-dev-key</c> and <c>bob-dev-key</c>, loopback deliveries allowed), on a free loopback port: a test can kill it.
/// </summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private SampleProcess(DotnetProcess process, string url)
    {
        Process = process;
        Url = url;
    }

    public DotnetProcess Process { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>Starts it with these settings (e.g. <c>ConnectionStrings:Postgres</c>), without waiting for anything.</summary>
    public static DotnetProcess Launch(IReadOnlyDictionary<string, string> settings) =>
        DotnetProcess.Start(
            AppContext.BaseDirectory,
            [
                Path.Combine(AppContext.BaseDirectory, "Subscriptions.dll"),
                "--environment=Development",
                "--urls=http://127.0.0.1:0",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
                .. settings.Select(s => $"--{s.Key}={s.Value}"),
            ]);

    /// <summary>Starts it with these settings (e.g. <c>ConnectionStrings:Postgres</c>) and waits until it listens.</summary>
    public static async Task<SampleProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var process = Launch(settings);
        try
        {
            return new(process, await process.WaitForLineAsync("Now listening on:", TimeSpan.FromSeconds(60)));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of its API, signed in with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey) => new() { BaseAddress = new Uri(Url), DefaultRequestHeaders = { { "X-Api-Key", apiKey } } };

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
