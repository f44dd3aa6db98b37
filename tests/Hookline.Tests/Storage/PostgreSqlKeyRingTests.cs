using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>
/// The Data Protection key ring that encrypts endpoint secrets, kept in the webhook database by <c>UsePostgreSql</c>: app
/// instances (hosts of their own, each with its own data source) read each other's secrets without extra setup.
/// </summary>
public sealed class PostgreSqlKeyRingTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "hookline-tests-keys", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _instances = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.StopAsync();
            await instance.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
        if (Directory.Exists(_keyFolder))
        {
            Directory.Delete(_keyFolder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Secret_CreatedOnOneInstance_IsReadInTheClearOnAnother_WithTheKeyInTheTable()
    {
        TestPostgres.SkipUnlessAvailable();
        var a = await StartAsync();
        var b = await StartAsync();

        var created = await Endpoints(a).CreateAsync(new() { Url = "https://8.8.8.8/hook" }, tenant: "alice");
        var read = await Endpoints(b).GetAsync(created.Id);

        Assert.StartsWith("whsec_", created.Secrets[0].Value);
        Assert.Equal(created.Secrets[0].Value, read!.Secrets[0].Value);
        var keys = await KeyIdsInTableAsync();
        Assert.NotEmpty(keys);
        Assert.Contains(await KeyIdOfStoredSecretAsync(created.Id), keys);
    }

    [SkippableFact]
    public async Task Secrets_InstancesStartingAtOnce_EachReadsEveryOthers()
    {
        TestPostgres.SkipUnlessAvailable();
        const int Count = 4;
        var instances = await Task.WhenAll(Enumerable.Range(0, Count).Select(_ => Task.Run(() => StartAsync())));

        // Every instance encrypts at once, on an empty key table: each may make a first key; all must be shared.
        var created = await Task.WhenAll(
            instances.Select(i => Task.Run(() => Endpoints(i).CreateAsync(new() { Url = "https://8.8.8.8/hook" }))));

        foreach (var instance in instances)
        {
            foreach (var endpoint in created)
            {
                Assert.Equal(endpoint.Secrets[0].Value, (await Endpoints(instance).GetAsync(endpoint.Id))!.Secrets[0].Value);
            }
        }

        var keys = await KeyIdsInTableAsync();
        foreach (var endpoint in created)
        {
            Assert.Contains(await KeyIdOfStoredSecretAsync(endpoint.Id), keys);
        }
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KeyRing_AppPersistsKeysItself_StaysWhereTheAppPutsIt(bool beforeUsePostgreSql)
    {
        TestPostgres.SkipUnlessAvailable();
        var instance = await StartAsync(
            services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(_keyFolder)), beforeUsePostgreSql);

        var created = await Endpoints(instance).CreateAsync(new() { Url = "https://8.8.8.8/hook" });

        Assert.StartsWith("whsec_", (await Endpoints(instance).GetAsync(created.Id))!.Secrets[0].Value);
        Assert.NotEmpty(Directory.GetFiles(_keyFolder, "key-*.xml"));
        Assert.Empty(await KeyIdsInTableAsync());
    }

    [SkippableFact]
    public async Task Secrets_InstancesInOtherDirectories_AreReadWithOneApplicationName_AndTheErrorSaysSoWithout()
    {
        TestPostgres.SkipUnlessAvailable();
        // Data Protection's default application name is the content root: instances deployed to different folders differ.
        var a = await StartAsync(contentRoot: NewFolder());
        var b = await StartAsync(contentRoot: NewFolder());
        var named = await Task.WhenAll(
            StartAsync(services => services.AddDataProtection().SetApplicationName("subscriptions"), contentRoot: NewFolder()),
            StartAsync(services => services.AddDataProtection().SetApplicationName("subscriptions"), contentRoot: NewFolder()));

        var id = (await Endpoints(a).CreateAsync(new() { Url = "https://8.8.8.8/hook" })).Id;
        var created = await Endpoints(named[0]).CreateAsync(new() { Url = "https://8.8.8.8/hook" });

        var error = await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => Endpoints(b).GetAsync(id));
        Assert.Contains(id, error.Message);
        Assert.Contains("SetApplicationName", error.Message);
        Assert.Equal(created.Secrets[0].Value, (await Endpoints(named[1]).GetAsync(created.Id))!.Secrets[0].Value);
    }

    private static IWebhookEndpointManager Endpoints(WebApplication instance) =>
        instance.Services.GetRequiredService<IWebhookEndpointManager>();

    private string NewFolder()
    {
        var folder = Path.Combine(_keyFolder, "roots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>An app instance: a host of its own, <c>AddWebhooks().UsePostgreSql(connectionString)</c> in the test's schema.</summary>
    private async Task<WebApplication> StartAsync(
        Action<IServiceCollection>? configure = null, bool configureFirst = false, string? contentRoot = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (configureFirst)
        {
            configure?.Invoke(builder.Services);
        }

        builder.Services.AddWebhooks(o => o.Delivery.Enabled = false).UsePostgreSql(TestPostgres.ConnectionString, _schema);
        if (!configureFirst)
        {
            configure?.Invoke(builder.Services);
        }

        var app = builder.Build();
        lock (_instances)
        {
            _instances.Add(app);
        }

        await app.StartAsync();
        return app;
    }

    private async Task<List<Guid>> KeyIdsInTableAsync()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT xml FROM {_schema}.data_protection_keys;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            var element = System.Xml.Linq.XElement.Parse(reader.GetString(0));
            if (element.Name.LocalName == "key")
            {
                ids.Add(Guid.Parse((string)element.Attribute("id")!));
            }
        }

        return ids;
    }

    /// <summary>The key that encrypted an endpoint's first secret as stored (a protected payload names it after 4 bytes).</summary>
    private async Task<Guid> KeyIdOfStoredSecretAsync(string endpointId)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT secrets FROM {_schema}.endpoints WHERE id = @id;", connection);
        command.Parameters.AddWithValue("id", endpointId);
        using var secrets = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
        var stored = secrets.RootElement[0].GetProperty("value").GetString()!;
        Assert.DoesNotContain("whsec_", stored);
        return new Guid(WebEncoders.Base64UrlDecode(stored).AsSpan(4, 16));
    }
}
