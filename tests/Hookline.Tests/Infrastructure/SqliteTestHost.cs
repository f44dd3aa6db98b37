using Hookline.Storage;

namespace Hookline.Tests;

/// <summary>
/// An app with Hookline on a SQLite file, started on loopback. A fresh file is deleted on dispose;
/// a file the test passes in is left for it (to restart on the same store).
/// </summary>
internal sealed class SqliteTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _ownedFile;

    private SqliteTestHost(WebApplication app, string? ownedFile)
    {
        _app = app;
        _ownedFile = ownedFile;
    }

    public IServiceProvider Services => _app.Services;

    public IWebhookPublisher Publisher => Services.GetRequiredService<IWebhookPublisher>();

    public IWebhookEndpointManager Endpoints => Services.GetRequiredService<IWebhookEndpointManager>();

    public IWebhookEndpointStore EndpointStore => Services.GetRequiredService<IWebhookEndpointStore>();

    public IWebhookDeliveryQueue Queue => Services.GetRequiredService<IWebhookDeliveryQueue>();

    public IWebhookLogReader Log => Services.GetRequiredService<IWebhookLogReader>();

    public static async Task<SqliteTestHost> StartAsync(Action<IWebhookDeclarationBuilder> declare, Action<WebhookOptions>? options = null, Action<IServiceCollection>? services = null, string? file = null)
    {
        var path = file ?? SqliteTestFiles.NewPath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var webhooks = builder.Services.AddWebhooks(options).UseSqlite($"Data Source={path}");
        declare(webhooks.Webhooks);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        await app.StartAsync();
        return new SqliteTestHost(app, file is null ? path : null);
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
}
