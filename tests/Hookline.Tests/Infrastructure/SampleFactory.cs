using Hookline.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hookline.Tests;

/// <summary>
/// The sample app on its own SQLite file (deleted on dispose). By default in a "Test" environment, in
/// memory: no API keys, no loopback deliveries. <see cref="Development"/> is the README's setup on a
/// real Kestrel server on loopback: API keys <c>alice-dev-key</c> and <c>bob-dev-key</c>, loopback allowed.
/// </summary>
public class SampleFactory : WebApplicationFactory<Program>
{
    public const string AliceKey = "alice-dev-key";
    public const string BobKey = "bob-dev-key";

    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly TimeProvider? _time;

    /// <summary>The sample's SQLite file.</summary>
    internal string DatabaseFile => _file;

    /// <summary>Where its Kestrel server listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>Every log message the sample wrote, at every level.</summary>
    internal CapturingLoggerProvider Logs { get; } = new();

    public SampleFactory()
        : this("Test", new Dictionary<string, string?>(), null)
    {
    }

    private SampleFactory(string environment, IReadOnlyDictionary<string, string?> settings, TimeProvider? time)
    {
        _environment = environment;
        _settings = settings;
        _time = time;
    }

    /// <summary>
    /// The sample as <c>dotnet run</c> starts it, served by Kestrel on 127.0.0.1, with a short retry schedule, and any other
    /// <paramref name="settings"/> (configuration keys such as <c>Webhooks:MaxEndpointsPerTenant</c>).
    /// </summary>
    public static SampleFactory Development(TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        Start("Development", time, settings);

    /// <summary>
    /// The sample as deployed (Production), with Development's API key for alice, and loopback and plain http destinations
    /// allowed, so that only what the environment alone decides differs (such as what an error's answer says).
    /// </summary>
    public static SampleFactory Production() =>
        Start("Production", null, new Dictionary<string, string?>
        {
            ["ApiKeys:" + AliceKey] = "alice",
            ["Webhooks:Delivery:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Webhooks:Delivery:RequireHttps"] = "false",
        });

    private static SampleFactory Start(string environment, TimeProvider? time, IReadOnlyDictionary<string, string?>? settings)
    {
        var sample = new SampleFactory(
            environment,
            new Dictionary<string, string?>
            {
                ["Webhooks:Delivery:RetrySchedule:0"] = "00:00:00.200",
                ["Webhooks:Delivery:RetryJitter"] = "0",
                ["Webhooks:Delivery:PollInterval"] = "00:00:00.100",
            }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary(),
            time);
        sample.UseKestrel(0);
        sample.StartServer();
        return sample;
    }

    /// <summary>A client signed in with an API key (or none).</summary>
    public HttpClient Client(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>
    /// Waits until no delivery is pending: every one stored so far has had its last attempt, and an attempt is
    /// recorded only after the receiver answered. Then whatever was going to arrive has arrived.
    /// </summary>
    public Task NothingPendingAsync() =>
        Eventually.HoldsAsync(
            async () => (await Services.GetRequiredService<IWebhookDeliveryQueue>().GetBacklogAsync(Services.GetRequiredService<TimeProvider>().GetUtcNow(), default)).Pending == 0,
            "every delivery attempted, none pending");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.UseSetting("ConnectionStrings:Webhooks", $"Data Source={_file}");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_time is not null)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(_time)));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteTestFiles.Delete(_file);
        GC.SuppressFinalize(this);
    }
}
