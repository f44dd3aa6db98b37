using System.Data.Common;
using Npgsql;

/// <summary>
/// The sample's own data: subscriptions, in a table of the webhook store's database (SQLite or PostgreSQL), so that a
/// subscription and its webhook commit in one transaction. Plain ADO.NET: the same statements run on both.
/// </summary>
internal static class SubscriptionTable
{
    /// <summary>Creates the table unless it exists (Hookline creates only its own tables).</summary>
    public static async Task CreateAsync(DbDataSource database)
    {
        await using var create = database.CreateCommand(database is NpgsqlDataSource
            ? """
              -- Instances starting at once would race to create it: one at a time (the lock ends with this implicit transaction).
              SELECT pg_advisory_xact_lock(hashtext('subscriptions'));
              CREATE TABLE IF NOT EXISTS subscriptions (
                  tenant text NOT NULL, username text NOT NULL, monthly_fee numeric NOT NULL, start_date timestamptz NOT NULL);
              -- Unique by a hash of the name: a B-tree entry holds at most about 2.7 KB, and a name may be longer.
              CREATE UNIQUE INDEX IF NOT EXISTS ux_subscriptions ON subscriptions (tenant, md5(username));
              -- Changes find a subscription by its name: a hash index has no such limit.
              CREATE INDEX IF NOT EXISTS ix_subscriptions_username ON subscriptions USING hash (username);
              """
            : """
              CREATE TABLE IF NOT EXISTS subscriptions (
                  tenant TEXT NOT NULL, username TEXT NOT NULL, monthly_fee TEXT NOT NULL, start_date TEXT NOT NULL,
                  PRIMARY KEY (tenant, username));
              """);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Adds the subscription in <paramref name="transaction"/>; false, adding nothing, if the tenant has its username.</summary>
    public static async Task<bool> TryAddAsync(DbTransaction transaction, string tenant, Subscription subscription)
    {
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        // The unique key decides, so two requests at once cannot both add the name.
        insert.CommandText = """
            INSERT INTO subscriptions (tenant, username, monthly_fee, start_date) VALUES (@tenant, @username, @fee, @start)
            ON CONFLICT DO NOTHING
            """;
        Add(insert, "@tenant", tenant);
        Add(insert, "@username", subscription.Username);
        Add(insert, "@fee", subscription.MonthlyFee);
        // In UTC: PostgreSQL's timestamptz takes no other offset, and SQLite's text then sorts in time order.
        Add(insert, "@start", subscription.StartDate.ToUniversalTime());
        return await insert.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>
    /// Sets the monthly fee of the tenant's subscription in <paramref name="transaction"/>, which holds the row until it ends: the
    /// subscription as it now is, or null if the tenant has none of that username.
    /// </summary>
    public static async Task<Subscription?> TryChangeFeeAsync(DbTransaction transaction, string tenant, string username, decimal monthlyFee)
    {
        await using var update = transaction.Connection!.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE subscriptions SET monthly_fee = @fee WHERE tenant = @tenant AND username = @username
            RETURNING username, monthly_fee, start_date
            """;
        Add(update, "@tenant", tenant);
        Add(update, "@username", username);
        Add(update, "@fee", monthlyFee);
        await using var reader = await update.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Read(reader) : null;
    }

    /// <summary>The tenant's subscriptions, by start date.</summary>
    public static async Task<List<Subscription>> ListAsync(DbDataSource database, string tenant)
    {
        await using var select = database.CreateCommand(
            "SELECT username, monthly_fee, start_date FROM subscriptions WHERE tenant = @tenant ORDER BY start_date, username");
        Add(select, "@tenant", tenant);
        await using var reader = await select.ExecuteReaderAsync();
        List<Subscription> subscriptions = [];
        while (await reader.ReadAsync())
        {
            subscriptions.Add(Read(reader));
        }

        return subscriptions;
    }

    private static Subscription Read(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetDecimal(1), reader.GetFieldValue<DateTimeOffset>(2));

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
