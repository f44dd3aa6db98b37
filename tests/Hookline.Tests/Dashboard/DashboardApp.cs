using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hookline.Tests.Dashboard;

/// <summary>
/// A small app with the dashboard, on Kestrel on loopback, in the environment a test chooses, logging everything (ASP.NET
/// Core's request log included) to <see cref="Logs"/>. A caller's tenant is its <c>X-Tenant</c> header, a sign-in a browser
/// does not send on its own. The dashboard's options come from <c>Webhooks:Dashboard</c> settings; the store is a fresh SQLite
/// file unless the test plugs in one that instances share; the webhooks are a ping unless the test declares others.
/// </summary>
internal sealed class DashboardApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _ownedFile;

    private DashboardApp(WebApplication app, CapturingLoggerProvider logs, string? ownedFile)
    {
        _app = app;
        Logs = logs;
        _ownedFile = ownedFile;
    }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public string Url => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public static async Task<DashboardApp> StartAsync(
        string environment = "Development",
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IWebhooksBuilder>? store = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? declare = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        // Everything logged: the sample's appsettings.json, copied next to the tests, would keep ASP.NET Core's request log out.
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddOpenApi();
        var webhooks = builder.Services.AddWebhooks(o => o.Management.TenantResolver =
            http => ValueTask.FromResult<string?>(http.Request.Headers["X-Tenant"].ToString()));
        var file = store is null ? SqliteTestFiles.NewPath() : null;
        if (store is null)
        {
            webhooks.UseSqlite($"Data Source={file}");
        }
        else
        {
            store(webhooks);
        }

        builder.Services.AddWebhookDashboard(builder.Configuration.GetSection("Webhooks:Dashboard").Bind);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        if (declare is null)
        {
            app.Webhooks.MapPost<Ping>("ping");
        }
        else
        {
            declare(app);
        }

        app.MapOpenApi();
        app.MapWebhookManagement("/webhooks");
        app.MapWebhookDashboard(DashboardBrowser.Root);
        await app.StartAsync();
        return new DashboardApp(app, logs, file);
    }

    /// <summary>A client of the management API, signed in as <paramref name="tenant"/>.</summary>
    public HttpClient Client(string tenant)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add("X-Tenant", tenant);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownedFile is not null)
        {
            SqliteTestFiles.Delete(_ownedFile);
        }
    }

    /// <summary>A ping.</summary>
    /// <param name="Id">Its id.</param>
    public sealed record Ping(string Id);
}
