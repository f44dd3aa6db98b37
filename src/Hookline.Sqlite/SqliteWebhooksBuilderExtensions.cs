using Hookline;
using Hookline.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the embedded SQLite store into Hookline.</summary>
public static class SqliteWebhooksBuilderExtensions
{
    /// <summary>
    /// Stores webhook messages, endpoints, deliveries and attempts in a SQLite file, created and
    /// migrated at startup: <c>.UseSqlite("Data Source=webhooks.db")</c>. One process delivers from a file: another whose
    /// delivery is enabled (<see cref="WebhookDeliveryOptions.Enabled"/>) fails to start, naming the fix; several instances share
    /// a PostgreSQL database instead (<c>UsePostgreSql</c>, package Hookline.PostgreSql).
    /// </summary>
    /// <param name="builder">The builder from <c>AddWebhooks()</c>.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseSqlite(this IWebhooksBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parsed = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(parsed.DataSource) || parsed.Mode == SqliteOpenMode.Memory || parsed.DataSource == ":memory:")
        {
            throw new ArgumentException(
                "UseSqlite needs a file (e.g. \"Data Source=webhooks.db\"): "
                + "an in-memory database would lose every pending webhook on restart.",
                nameof(connectionString));
        }

        return builder.UseStore(services =>
            new SqliteWebhookStore(connectionString, services.GetRequiredService<IOptions<WebhookOptions>>().Value.Delivery.Enabled));
    }
}
