using Hookline;
using Hookline.PostgreSql;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the PostgreSQL store into Hookline: for apps that run several instances on one database.</summary>
public static class PostgreSqlWebhooksBuilderExtensions
{
    /// <summary>
    /// Stores webhook messages, endpoints, deliveries and attempts in PostgreSQL, in the schema <c>hookline</c>, created and
    /// migrated at startup: <c>.UsePostgreSql(builder.Configuration.GetConnectionString("Webhooks")!)</c>. Every instance of the
    /// app that uses the same database shares the same endpoints and backlog.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSql(this IWebhooksBuilder builder, string connectionString)
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
                $"UsePostgreSql needs an Npgsql connection string, such as \"Host=db;Database=app;Username=app\": {e.Message}", nameof(connectionString), e);
        }

        // Hookline's own data source, disposed with the app's services.
        builder.Services.AddSingleton(_ => new WebhookDataSource(NpgsqlDataSource.Create(connectionString)));
        return builder.UseStore(sp => new PostgreSqlWebhookStore(sp.GetRequiredService<WebhookDataSource>().DataSource));
    }

    /// <summary>
    /// Stores webhooks in PostgreSQL through a data source the app configures and owns, e.g. one from its services:
    /// <c>.UsePostgreSql(sp =&gt; sp.GetRequiredService&lt;NpgsqlDataSource&gt;())</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="dataSource">Gives the data source, once.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSql(this IWebhooksBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseStore(sp => new PostgreSqlWebhookStore(dataSource(sp)));
    }
}
