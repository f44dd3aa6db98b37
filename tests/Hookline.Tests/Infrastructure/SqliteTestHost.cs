using Hookline.Storage;

namespace Hookline.Tests;

/// <summary>An app with Hookline on a fresh SQLite file, started on loopback; the file is deleted on dispose.</summary>
internal sealed class SqliteTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _file;

    private SqliteTestHost(WebApplication app, string file)
    {
        _app = app;
        _file = file;
    }

    public IServiceProvider Services => _app.Services;

    public IWebhookPublisher Publisher => Services.GetRequiredService<IWebhookPublisher>();

    public IWebhookStore Store => Services.GetRequiredService<IWebhookStore>();

    public static async Task<SqliteTestHost> StartAsync(Action<IWebhookDeclarationBuilder> declare, Action<WebhookOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        var file = SqliteTestFiles.NewPath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var webhooks = builder.Services.AddWebhooks(options).UseSqlite($"Data Source={file}");
        declare(webhooks.Webhooks);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        await app.StartAsync();
        return new SqliteTestHost(app, file);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteTestFiles.Delete(_file);
    }
}
