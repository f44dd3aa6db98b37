using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hookline.PostgreSql;

/// <summary>
/// Keeps the app's Data Protection key ring in the webhook database (<see cref="PostgreSqlXmlRepository"/>), so the
/// instances that share the store can read each other's endpoint secrets without extra setup, unless the app keeps its
/// key ring somewhere already (<c>PersistKeysTo...</c>): then that stays.
/// </summary>
internal sealed class PostgreSqlKeyRingSetup(IServiceProvider services, Func<IServiceProvider, NpgsqlDataSource> dataSource, string schema)
    : IPostConfigureOptions<KeyManagementOptions>
{
    public void PostConfigure(string? name, KeyManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A post-configure runs after every Configure, whichever order the app registered them in: a repository set by
        // then is the app's own choice (every PersistKeysTo... sets XmlRepository in a Configure).
        options.XmlRepository ??= new PostgreSqlXmlRepository(dataSource(services), schema);
    }
}
