using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace Hookline.Tests.Endpoints;

/// <summary>Endpoint secrets are encrypted at rest with Data Protection: the file never holds one in the clear.</summary>
public sealed class SecretProtectionTests
{
    [Fact]
    public async Task Secrets_AreEncryptedInTheFile_AndReadBackInTheClear()
    {
        var file = SqliteTestFiles.NewPath();
        try
        {
            await using var host = await StartAsync(file);
            var created = await host.Endpoints.CreateAsync(new() { Url = "https://8.8.8.8/hook" });
            var rotated = (await host.Endpoints.RotateSecretAsync(created.Id))!;

            var stored = await RawSecretsAsync(file);

            Assert.Equal([rotated.Secrets[0].Value, created.Secrets[0].Value], rotated.Secrets.Select(s => s.Value));
            Assert.Equal(rotated.Secrets, (await host.Endpoints.GetAsync(created.Id))!.Secrets);
            Assert.DoesNotContain("whsec_", stored);
            Assert.DoesNotContain(created.Secrets[0].Value["whsec_".Length..], stored);
            Assert.DoesNotContain(rotated.Secrets[0].Value["whsec_".Length..], stored);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [Fact]
    public async Task Secrets_FromAnotherKeyRing_CannotBeRead_AndTheErrorNamesTheEndpoint()
    {
        var file = SqliteTestFiles.NewPath();
        try
        {
            string id;
            await using (var first = await StartAsync(file, "first-app"))
            {
                id = (await first.Endpoints.CreateAsync(new() { Url = "https://8.8.8.8/hook" })).Id;
            }

            await using var second = await StartAsync(file, "second-app");
            var error = await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => second.Endpoints.GetAsync(id));

            Assert.Contains(id, error.Message);
            Assert.Contains("key ring", error.Message);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    private static Task<SqliteTestHost> StartAsync(string file, string application = "hookline-tests") =>
        SqliteTestHost.StartAsync(
            w => w.MapPost<Ping>("ping"),
            o => o.Delivery.Enabled = false,
            services => services.AddDataProtection().SetApplicationName(application).PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "hookline-tests-keys", application))),
            file);

    private static async Task<string> RawSecretsAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(secrets, ' ') FROM endpoints;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private sealed record Ping(int Id);
}
