using System.Net;
using Microsoft.AspNetCore.TestHost;

namespace Hookline.Tests.DependencyInjection;

/// <summary>Setup mistakes fail with an error that names the fix, not a framework error far from the cause.</summary>
public sealed class SetupErrorTests
{
    [Fact]
    public async Task MinimalApi_ServicesWithoutAStore_StartsAndTheRequestFailsNamingUseSqlite()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddWebhooks();
        await using var app = builder.Build();
        // Without a registration both would be inferred as bodies: "Implicit body inferred for parameter...".
        app.MapPost("/subscriptions", (Ping ping, IWebhookPublisher webhooks) => TypedResults.Ok());
        app.MapPost("/endpoints", (Ping ping, IWebhookEndpointManager endpoints) => TypedResults.Ok());
        await app.StartAsync();
        using var client = app.GetTestClient();

        var publish = await Record.ExceptionAsync(() => client.PostAsJsonAsync("/subscriptions", new Ping(1)));
        var register = await Record.ExceptionAsync(() => client.PostAsJsonAsync("/endpoints", new Ping(1)));

        foreach (var (error, service) in new[] { (publish, "IWebhookPublisher"), (register, "IWebhookEndpointManager") })
        {
            var missing = Assert.IsType<InvalidOperationException>(error);
            Assert.Contains($"{service} needs a webhook store", missing.Message);
            Assert.Contains(".UseSqlite(\"Data Source=webhooks.db\")", missing.Message);
        }
    }

    [Fact]
    public async Task AddWebhooks_WithAStore_ResolvesTheRealServices_EvenWhenCalledAgain()
    {
        var file = SqliteTestFiles.NewPath();
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            builder.Services.AddWebhooks().UseSqlite($"Data Source={file}");
            builder.Services.AddWebhooks();
            await using var app = builder.Build();
            app.Webhooks.MapPost<Ping>("ping");
            app.MapPost("/ping", async (Ping ping, IWebhookPublisher webhooks) => (await webhooks.PublishAsync("ping", ping)).IsRepeat);
            await app.StartAsync();
            using var client = app.GetTestClient();

            using var response = await client.PostAsJsonAsync("/ping", new Ping(1));

            Assert.Equal((HttpStatusCode.OK, "false"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
            Assert.IsType<WebhookEndpointManager>(app.Services.GetRequiredService<IWebhookEndpointManager>());
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task UseSqlite_DirectoryThatDoesNotExist_FailsAtStartNamingThePathAndTheFix()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"hookline-missing-{Guid.NewGuid():N}");
        var file = Path.Combine(directory, "webhooks.db");

        var error = await StartAsync($"Data Source={file}");

        Assert.Contains($"The webhook database '{file}' cannot be opened", error.Message);
        Assert.Contains($"Check that the directory '{directory}' exists", error.Message);
        Assert.Contains(".UseSqlite(\"Data Source=webhooks.db\")", error.Message);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task UseSqlite_FileThatIsNotADatabase_FailsAtStartNamingThePath()
    {
        var file = SqliteTestFiles.NewPath();
        await File.WriteAllTextAsync(file, new string('x', 4096));
        try
        {
            var error = await StartAsync($"Data Source={file}");

            Assert.Contains($"The webhook database '{file}' cannot be opened", error.Message);
            Assert.Contains("is not a SQLite database", error.Message);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    private static async Task<InvalidOperationException> StartAsync(string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddWebhooks().UseSqlite(connectionString);
        await using var app = builder.Build();
        return await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
    }
}
