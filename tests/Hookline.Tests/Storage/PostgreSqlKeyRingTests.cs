using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Hookline.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Hookline.Tests.Storage;

/// <summary>
/// The Data Protection key ring that encrypts endpoint secrets, kept in the webhook database by <c>UsePostgreSql</c>: app
/// instances (hosts of their own, each with its own data source) read each other's secrets without extra setup. Outside
/// Development an app starts with it there only when its keys are encrypted at rest, or when it says that they need not be.
/// </summary>
public sealed class PostgreSqlKeyRingTests : IAsyncLifetime
{
    private const string OptIn = "services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true)";
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "hookline-tests-keys", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _instances = [];
    private readonly CapturingLoggerProvider _logs = new();

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

    [SkippableFact]
    public async Task Start_ProductionWithUnprotectedKeysInTheDatabase_FailsNamingTheFix_AndStoresNoKey()
    {
        TestPostgres.SkipUnlessAvailable();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartHostAsync(Environments.Production));

        Assert.Contains("not encrypted", error.Message);
        Assert.Contains("ProtectKeysWithCertificate", error.Message);
        Assert.Contains("PersistKeysTo", error.Message);
        Assert.Contains(OptIn, error.Message);
        Assert.Empty(await KeyIdsInTableAsync());
    }

    [SkippableFact]
    public async Task Start_ProductionOptedInToUnprotectedKeys_StartsWithoutAWarning()
    {
        TestPostgres.SkipUnlessAvailable();
        var instance = await StartHostAsync(
            Environments.Production, services => services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true));

        var created = await Endpoints(instance).CreateAsync(new() { Url = "https://8.8.8.8/hook" });

        Assert.Equal(created.Secrets[0].Value, (await Endpoints(instance).GetAsync(created.Id))!.Secrets[0].Value);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(OptIn, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Start_ProductionWithKeysProtectedByACertificate_StartsWithoutAWarning_AndStoresTheKeyEncrypted()
    {
        TestPostgres.SkipUnlessAvailable();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Hookline key ring test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var instance = await StartHostAsync(
            Environments.Production, services => services.AddDataProtection().ProtectKeysWithCertificate(certificate));

        var created = await Endpoints(instance).CreateAsync(new() { Url = "https://8.8.8.8/hook" });

        Assert.Equal(created.Secrets[0].Value, (await Endpoints(instance).GetAsync(created.Id))!.Secrets[0].Value);
        Assert.Contains(await KeyIdOfStoredSecretAsync(created.Id), await KeyIdsInTableAsync());
        Assert.All(await KeyXmlInTableAsync(), xml => Assert.Contains("EncryptedData", xml));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(OptIn, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Start_DevelopmentWithUnprotectedKeysInTheDatabase_StartsAndWarnsNamingTheFix()
    {
        TestPostgres.SkipUnlessAvailable();

        await StartHostAsync(Environments.Development);

        var warning = Assert.Single(_logs.Messages, m => m.Contains("not encrypted", StringComparison.Ordinal));
        Assert.Contains("ProtectKeysWithCertificate", warning);
        Assert.Contains(OptIn, warning);
    }

    private static IWebhookEndpointManager Endpoints(WebApplication instance) =>
        instance.Services.GetRequiredService<IWebhookEndpointManager>();

    private string NewFolder()
    {
        var folder = Path.Combine(_keyFolder, "roots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// An app instance in Production, its keys unencrypted: they protect nothing a test keeps, so it says so
    /// (<see cref="PostgreSqlWebhookStoreOptions.AllowUnprotectedKeys"/>).
    /// </summary>
    private Task<WebApplication> StartAsync(
        Action<IServiceCollection>? configure = null, bool configureFirst = false, string? contentRoot = null) =>
        StartHostAsync(
            Environments.Production,
            services =>
            {
                services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true);
                configure?.Invoke(services);
            },
            configureFirst,
            contentRoot);

    /// <summary>An app instance: a host of its own, <c>AddWebhooks().UsePostgreSql(connectionString)</c> in the test's schema.</summary>
    private async Task<WebApplication> StartHostAsync(
        string environment, Action<IServiceCollection>? configure = null, bool configureFirst = false, string? contentRoot = null)
    {
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(_logs);
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

    private async Task<List<Guid>> KeyIdsInTableAsync() =>
        [.. (await KeyXmlInTableAsync())
            .Select(System.Xml.Linq.XElement.Parse)
            .Where(e => e.Name.LocalName == "key")
            .Select(e => Guid.Parse((string)e.Attribute("id")!))];

    private async Task<List<string>> KeyXmlInTableAsync()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT xml FROM {_schema}.data_protection_keys;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var xml = new List<string>();
        while (await reader.ReadAsync())
        {
            xml.Add(reader.GetString(0));
        }

        return xml;
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
