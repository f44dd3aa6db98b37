using Hookline;
using Hookline.PostgreSql;
using Hookline.Storage;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the PostgreSQL store into Hookline: for apps that run several instances on one database.</summary>
public static class PostgreSqlWebhooksBuilderExtensions
{
    private const string DefaultSchema = "hookline";

    /// <summary>
    /// Stores webhook messages, endpoints, deliveries and attempts in PostgreSQL, in the schema <c>hookline</c>, created and
    /// migrated at startup: <c>.UsePostgreSql(builder.Configuration.GetConnectionString("Webhooks")!)</c>. Every instance of the
    /// app that uses the same database shares the same endpoints and backlog, and the Data Protection key ring that
    /// encrypts endpoint secrets: it is kept in the table <c>hookline.data_protection_keys</c>, unless the app keeps its key
    /// ring elsewhere already (<c>services.AddDataProtection().PersistKeysTo...</c>, in any order), which then stays.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string, such as <c>Host=db;Database=app;Username=app;Password=...</c>. Its <c>Max Pool Size</c>
    /// (100 by default) needs at least 2 where delivery is enabled, as the listener keeps one. Hookline's own work holds at
    /// most six connections at once (one per part, never a second while it holds one), the listener's included; management,
    /// dashboard and health requests take one each while they run.
    /// </param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSql(this IWebhooksBuilder builder, string connectionString) =>
        builder.UsePostgreSql(connectionString, DefaultSchema);

    /// <summary>The store and the key ring in <paramref name="schema"/> of the database: tests give each their own.</summary>
    internal static IWebhooksBuilder UsePostgreSql(this IWebhooksBuilder builder, string connectionString, string schema)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"UsePostgreSql needs an Npgsql connection string, such as \"Host=db;Database=app;Username=app\": {e.Message}",
                nameof(connectionString),
                e);
        }

        // Hookline's own data source, disposed with the app's services.
        return builder.UsePostgreSqlStore(_ => new WebhookDataSource(NpgsqlDataSource.Create(connectionString), owned: true), schema);
    }

    /// <summary>
    /// Stores webhooks in PostgreSQL through a data source the app configures and owns, e.g. one from its services:
    /// <c>.UsePostgreSql(sp =&gt; sp.GetRequiredService&lt;NpgsqlDataSource&gt;())</c>. The Data Protection key ring is kept
    /// there too, as with the connection string overload.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="dataSource">
    /// Gives the data source: called once, when Hookline first needs it; Hookline never disposes it. Hookline shares its pool
    /// with the app: its own work holds at most six connections at once (one per part, never a second while it holds one),
    /// one of them kept by its listener where delivery is enabled; management, dashboard and health requests take one each
    /// while they run; a publish in the app's transaction takes none beyond the transaction's.
    /// </param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSql(this IWebhooksBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgreSql(dataSource, DefaultSchema);
    }

    /// <summary>The store and the key ring in <paramref name="schema"/> of the app's data source's database.</summary>
    internal static IWebhooksBuilder UsePostgreSql(
        this IWebhooksBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource, string schema) =>
        builder.UsePostgreSqlStore(sp => new WebhookDataSource(dataSource(sp), owned: false), schema);

    private static IWebhooksBuilder UsePostgreSqlStore(
        this IWebhooksBuilder builder, Func<IServiceProvider, WebhookDataSource> source, string schema)
    {
        var services = builder.Services;
        // One data source for the store, its listener and its key ring, asked for once (the last UsePostgreSql wins).
        services.Replace(ServiceDescriptor.Singleton(source));
        Func<IServiceProvider, NpgsqlDataSource> dataSource = sp => sp.GetRequiredService<WebhookDataSource>().DataSource;
        // The last UsePostgreSql wins, as the store does; its key ring setup is registered once.
        services.Replace(ServiceDescriptor.Singleton(sp => new PostgreSqlKeyRingSetup(sp, dataSource, schema)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KeyManagementOptions>, PostgreSqlKeyRingSetup>(
            sp => sp.GetRequiredService<PostgreSqlKeyRingSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlKeyRingCheck>());
        // Likewise the listener that wakes this instance's dispatcher when any instance publishes.
        services.Replace(ServiceDescriptor.Singleton(sp => new PostgreSqlMessageListener(
            () => dataSource(sp),
            schema,
            sp.GetRequiredService<IWebhookDispatchWaker>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>(),
            sp.GetRequiredService<ILogger<PostgreSqlMessageListener>>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlMessageListener>(
            sp => sp.GetRequiredService<PostgreSqlMessageListener>()));
        return builder.UseStore(sp => new PostgreSqlWebhookStore(dataSource(sp), schema));
    }
}
