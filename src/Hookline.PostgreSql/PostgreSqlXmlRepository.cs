using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

/// <summary>
/// The ASP.NET Core Data Protection key ring in the webhook database (<c>{schema}.data_protection_keys</c>), so every
/// instance that shares the store shares the keys that encrypt endpoint secrets. Rows are only ever inserted: a key's
/// XML (and a revocation's) is written once and never changed, so instances reading while others insert see a
/// consistent set, and two instances that each create a first key at once just both keep them (Data Protection picks one
/// default from the set).
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous, so this uses Npgsql's synchronous calls; Data Protection reads the
/// repository rarely (at start, then about once a day, or on a key it does not know) and caches the ring.
/// </remarks>
internal sealed class PostgreSqlXmlRepository(NpgsqlDataSource dataSource, string schema) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT xml FROM {schema}.data_protection_keys ORDER BY id;", connection);
        try
        {
            using var reader = command.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }

            return elements;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw MissingTable(e);
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = dataSource.OpenConnection();
        using var command = new NpgsqlCommand(
            $"INSERT INTO {schema}.data_protection_keys (friendly_name, xml) VALUES (@name, @xml);", connection);
        command.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)friendlyName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("xml", NpgsqlDbType.Text) { Value = element.ToString(SaveOptions.DisableFormatting) });
        try
        {
            command.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw MissingTable(e);
        }
    }

    private InvalidOperationException MissingTable(PostgresException e) => new(
        $"The Data Protection key ring is kept in the webhook database, in {schema}.data_protection_keys, which does not exist yet: "
        + "Hookline creates it when the host starts, and something used Data Protection before. Start the host first, "
        + "or keep the key ring elsewhere (services.AddDataProtection().PersistKeysTo...).",
        e);
}
