using System.Net;
using System.Text.Json.Nodes;
using Hookline.PostgreSql;
using Npgsql;

namespace Hookline.Tests.Management;

/// <summary>
/// Apps with the management API at <c>/webhooks</c> on real Kestrel servers on loopback, on one store of a test's own: a SQLite
/// file, or a PostgreSQL schema that several instances share (each with a data source of its own, as processes have). The
/// caller's tenant is its <c>X-Tenant</c> header. Each declares <c>ping</c> and <c>pong</c> (a <see cref="Ping"/>), and <c>note</c>
/// (a <see cref="Note"/>).
/// </summary>
internal sealed class FeedApps(string store) : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    private readonly List<WebApplication> _apps = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private readonly string _file = SqliteTestFiles.NewPath();
    private readonly string _schema = TestPostgres.NewSchema();

    public bool IsPostgreSql => store == PostgreSql;

    public async Task<WebApplication> StartAsync(Action<WebhookOptions>? configure = null)
    {
        if (IsPostgreSql)
        {
            TestPostgres.SkipUnlessAvailable();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenApi();
        var webhooks = builder.Services.AddWebhooks(o =>
        {
            o.Management.TenantResolver = http => ValueTask.FromResult<string?>(http.Request.Headers["X-Tenant"].ToString());
            configure?.Invoke(o);
        });
        if (IsPostgreSql)
        {
            var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
            _dataSources.Add(dataSource);
            webhooks.UsePostgreSql(_ => dataSource, _schema);
            builder.Services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true);
        }
        else
        {
            webhooks.UseSqlite($"Data Source={_file}");
        }

        var app = builder.Build();
        _apps.Add(app);
        app.Webhooks.MapPost<Ping>("ping");
        app.Webhooks.MapPost<Ping>("pong");
        app.Webhooks.MapPost<Note>("note");
        app.MapOpenApi();
        app.MapWebhookManagement("/webhooks");
        await app.StartAsync();
        return app;
    }

    public static HttpClient Client(WebApplication app, string tenant)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Tenant", tenant);
        return client;
    }

    /// <summary>Registers a polling endpoint: the answer, with its secret.</summary>
    public static async Task<JsonNode> RegisterPollingAsync(HttpClient client, string[]? eventTypes = null)
    {
        using var response = await client.PostAsJsonAsync("/webhooks/endpoints", new { polling = true, eventTypes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ManagementApi.ReadAsync(response);
    }

    /// <summary>Reads the feed from <paramref name="cursor"/>, waiting for messages, until it has <paramref name="count"/>.</summary>
    public static async Task<(List<JsonNode> Items, string Cursor)> ReadAsync(
        HttpClient client, string endpointId, string? cursor, int count)
    {
        var items = new List<JsonNode>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (items.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The feed had {items.Count} of {count} messages after 30 s.");
            var page = await ManagementApi.GetAsync(client, FeedPath(endpointId, cursor, wait: 5));
            items.AddRange(page["data"]!.AsArray().Select(i => i!));
            cursor = page["nextCursor"]!.GetValue<string>();
        }

        return (items, cursor!);
    }

    public static string FeedPath(string endpointId, string? cursor = null, int? wait = null, int? limit = null) =>
        $"/webhooks/endpoints/{endpointId}/feed?"
        + string.Join('&', new[]
        {
            cursor is null ? null : $"cursor={Uri.EscapeDataString(cursor)}",
            wait is null ? null : $"wait={wait}",
            limit is null ? null : $"limit={limit}",
        }.Where(p => p is not null));

    /// <summary>A payload of text, to carry what JSON escapes.</summary>
    public sealed record Note(string Text);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        if (IsPostgreSql)
        {
            await TestPostgres.DropSchemaAsync(_schema);
        }

        SqliteTestFiles.Delete(_file);
    }
}
