namespace Hookline.Cli.Tests;

/// <summary>
/// The sample app as <c>dotnet run</c> starts it (Development: the API keys alice-dev-key and bob-dev-key, loopback deliveries allowed),
/// as a child process on 127.0.0.1 port 0 with its own SQLite file.
/// </summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    public const string AliceKey = "alice-dev-key";

    private readonly DotnetProcess _process;
    private readonly string _database;

    private SampleProcess(DotnetProcess process, string database, string url)
    {
        _process = process;
        _database = database;
        Url = url;
    }

    public string Url { get; }

    public static async Task<SampleProcess> StartAsync()
    {
        var database = Path.Combine(Path.GetTempPath(), $"hookline-sample-{Guid.NewGuid():N}.db");
        var process = DotnetProcess.Start(
            BuiltApps.SampleFolder,
            ["Subscriptions.dll", "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Webhooks"] = $"Data Source={database}",
                ["Webhooks__Delivery__PollInterval"] = "00:00:00.100",
            });
        var url = await process.WaitForLineAsync("Now listening on:", TimeSpan.FromSeconds(60));
        return new(process, database, url);
    }

    /// <summary>A client of the sample's API, signed in as alice.</summary>
    public HttpClient Alice()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AliceKey);
        return client;
    }

    public string Output => _process.Output;

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }
}
