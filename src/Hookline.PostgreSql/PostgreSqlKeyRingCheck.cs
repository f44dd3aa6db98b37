using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hookline.PostgreSql;

/// <summary>
/// Runs as the host starts, before Data Protection makes its first key: when the key ring is kept in the webhook database
/// (<see cref="PostgreSqlKeyRingSetup"/>) and its keys are not encrypted at rest, refuses to start outside Development and
/// warns in Development, unless the app allows it (<see cref="PostgreSqlWebhookStoreOptions.AllowUnprotectedKeys"/>).
/// </summary>
internal sealed partial class PostgreSqlKeyRingCheck(
    IOptions<KeyManagementOptions> keyManagement,
    IOptions<PostgreSqlWebhookStoreOptions> options,
    IHostEnvironment environment,
    ILogger<PostgreSqlKeyRingCheck> logger) : IHostedLifecycleService
{
    private const string Unprotected =
        "The Data Protection key ring is kept in the webhook database (UsePostgreSql), next to the endpoint secrets it "
        + "encrypts, and its keys are not encrypted at rest: whoever can read the database could decrypt the secrets and "
        + "forge the app's cookies. Encrypt the keys with services.AddDataProtection().ProtectKeysWithCertificate(...) (or "
        + "another ProtectKeysWith... method), keep the key ring elsewhere with services.AddDataProtection().PersistKeysTo..., "
        + "or accept unencrypted keys with services.Configure<PostgreSqlWebhookStoreOptions>(o => o.AllowUnprotectedKeys = true).";

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var keys = keyManagement.Value;
        if (keys.XmlRepository is PostgreSqlXmlRepository && keys.XmlEncryptor is null && !options.Value.AllowUnprotectedKeys)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(Unprotected);
            }

            LogUnprotected(logger);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(3004, LogLevel.Warning, Unprotected + " Outside Development the app would not start.")]
    private static partial void LogUnprotected(ILogger logger);
}
