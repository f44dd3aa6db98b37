using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;

namespace Hookline.Tests;

/// <summary>A small app on ASP.NET Core's test server, to read the OpenAPI document it serves.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app) => _app = app;

    public HttpClient Client => _app.GetTestClient();

    /// <summary>Starts an app with <c>AddOpenApi()</c> (unless <paramref name="services"/> adds its own documents) and <c>AddWebhooks()</c>.</summary>
    public static async Task<TestApp> StartAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (services is null)
        {
            builder.Services.AddOpenApi();
        }
        else
        {
            services(builder.Services);
        }

        builder.Services.AddWebhooks();
        var app = builder.Build();
        configure(app);
        app.MapOpenApi();
        await app.StartAsync();
        return new TestApp(app);
    }

    /// <summary>Starts an app, reads one document and stops the app.</summary>
    public static async Task<JsonNode> GetDocumentAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null, string documentName = "v1")
    {
        await using var app = await StartAsync(configure, services);
        return await app.GetDocumentAsync(documentName);
    }

    public async Task<JsonNode> GetDocumentAsync(string documentName = "v1")
    {
        var response = await Client.GetAsync($"/openapi/{documentName}.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /openapi/{documentName}.json answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
