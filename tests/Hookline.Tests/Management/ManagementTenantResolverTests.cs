using System.Net;

namespace Hookline.Tests.Management;

/// <summary>An app's own tenant resolver, awaited once per call, instead of the claim.</summary>
public sealed class ManagementTenantResolverTests
{
    [Fact]
    public async Task TenantResolver_Async_IsAwaited_AndScopesEveryCall()
    {
        var file = SqliteTestFiles.NewPath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(new TenantDirectory(new Dictionary<string, string> { ["key-a"] = "acme", ["key-g"] = "globex" }));
        builder.Services.AddWebhooks(o =>
        {
            o.Delivery.AllowedNetworks = ["127.0.0.0/8"];
            o.Delivery.RequireHttps = false;
            o.Management.TenantResolver = http =>
                http.RequestServices.GetRequiredService<TenantDirectory>().FindAsync(http.Request.Headers["X-Key"].ToString());
        }).UseSqlite($"Data Source={file}");
        await using var app = builder.Build();
        app.Webhooks.MapPost<Ping>("ping");
        app.MapOpenApi();
        app.MapWebhookManagement("/hooks");
        await app.StartAsync();
        try
        {
            using var acme = Client(app, "key-a");
            using var globex = Client(app, "key-g");
            using var stranger = Client(app, "key-unknown");

            using var created = await acme.PostAsJsonAsync("/hooks/endpoints", new { url = "http://127.0.0.1:9/hook" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await ManagementApi.ReadAsync(created))["id"]!.GetValue<string>();

            Assert.Equal(id, (await ManagementApi.GetAsync(acme, $"/hooks/endpoints/{id}"))["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/hooks/endpoints/{id}")).StatusCode);
            Assert.Empty((await ManagementApi.GetAsync(globex, "/hooks/endpoints"))["data"]!.AsArray());
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/hooks/endpoints")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            SqliteTestFiles.Delete(file);
        }
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        client.DefaultRequestHeaders.Add("X-Key", key);
        return client;
    }

    /// <summary>Where an app would look its API keys up (a database, say): asynchronously.</summary>
    private sealed class TenantDirectory(IReadOnlyDictionary<string, string> tenants)
    {
        public async ValueTask<string?> FindAsync(string key)
        {
            await Task.Yield();
            return tenants.GetValueOrDefault(key);
        }
    }

    private sealed record Ping(int Number);
}
