using Microsoft.AspNetCore.Mvc.Testing;

namespace Hookline.Tests;

/// <summary>
/// The sample app on its own SQLite file (deleted on dispose). By default in a "Test" environment:
/// no demo receiver, no loopback deliveries. <see cref="Development"/> gives the README's setup,
/// with the demo receiver's settings replaced.
/// </summary>
public class SampleFactory : WebApplicationFactory<Program>
{
    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public SampleFactory()
        : this("Test", new Dictionary<string, string?>())
    {
    }

    private SampleFactory(string environment, IReadOnlyDictionary<string, string?> settings)
    {
        _environment = environment;
        _settings = settings;
    }

    /// <summary>The sample as <c>dotnet run</c> starts it, with the demo receiver at <paramref name="receiverUrl"/> verifying with <paramref name="secret"/>.</summary>
    public static SampleFactory Development(string receiverUrl, string secret) =>
        new("Development", new Dictionary<string, string?> { ["DemoReceiver:Url"] = receiverUrl, ["DemoReceiver:Secret"] = secret });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConnectionStrings:Webhooks", $"Data Source={_file}");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteTestFiles.Delete(_file);
        GC.SuppressFinalize(this);
    }
}
