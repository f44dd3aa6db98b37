using System.Text.Json;
using Hookline.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Hookline.PostgreSql;

/// <summary>
/// The store for several app instances: one PostgreSQL database that they share, its tables in a schema of their own.
/// Deliveries are leased with <c>FOR UPDATE SKIP LOCKED</c>, so instances never lease the same one; every write is
/// one transaction, retried when PostgreSQL picks it as a deadlock's victim.
/// </summary>
/// <remarks>
/// Connections: each call takes one connection of the data source (the app's pool, when the app shares it) and gives it back
/// before it returns; none takes a second while it holds one, nor any while it writes through an app's transaction. So no
/// holder of a connection ever waits for another, and callers waiting for the pool are served in turn as others finish,
/// however many wait; were one call to nest, requests at once holding every connection would wait for each other until the
/// pool's timeout. Each part of an instance's own work holds at most one at a time: the listener (for as long as it
/// listens), the dispatcher (expanding, then leasing and recording, one after another), the group commit (one batch at a
/// time), the retention purge, the backlog sampler and the key ring: six at most, besides one per management, dashboard or
/// health request in progress (docs/scaling.md, "Connections").
/// </remarks>
internal sealed partial class PostgreSqlWebhookStore : IWebhookStore
{
    private const int MaxTries = 3;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    /// <summary>
    /// The name of the store's database as Npgsql names it (what <see cref="NpgsqlConnection.Database"/> says, from the
    /// connection's settings), which a transaction an app publishes in must be on.
    /// </summary>
    private readonly string _database;

    /// <param name="dataSource">Where the database is.</param>
    /// <param name="schema">The PostgreSQL schema that holds Hookline's tables: a plain lowercase name, spliced into SQL unquoted.</param>
    public PostgreSqlWebhookStore(NpgsqlDataSource dataSource, string schema = "hookline")
    {
        _dataSource = dataSource;
        _schema = schema;
        // Read off a connection that is never opened. Taking one from the pool to ask, as publishing in an app's transaction did
        // while that transaction held another, left requests publishing at once each holding a connection and waiting for a
        // second, until the pool's timeout failed them.
        using var unopened = dataSource.CreateConnection();
        _database = unopened.Database;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            var where = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            throw new InvalidOperationException(
                $"The webhook database (Host={where.Host};Port={where.Port};Database={where.Database};Username={where.Username}) "
                + "cannot be reached: "
                + $"{e.Message.TrimEnd('.')}. Check that PostgreSQL runs there and the connection string given to UsePostgreSql is right.",
                e);
        }

        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var _ = transaction.ConfigureAwait(false);
            // Instances starting together migrate one after the other: the lock is held until this transaction ends.
            await ExecuteAsync(
                    connection,
                    transaction,
                    "SELECT pg_advisory_xact_lock(hashtext(@lock));",
                    cancellationToken,
                    Text("lock", $"hookline:{_schema}"))
                .ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                """
                CREATE SCHEMA IF NOT EXISTS {schema};
                CREATE TABLE IF NOT EXISTS {schema}.schema_versions (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now());
                """,
                cancellationToken).ConfigureAwait(false);
            var version = (int)(await ScalarAsync(
                    connection, transaction, "SELECT coalesce(max(version), 0) FROM {schema}.schema_versions;", cancellationToken)
                .ConfigureAwait(false))!;
            if (version > PostgreSqlSchema.Migrations.Length)
            {
                throw new InvalidOperationException(
                    $"The webhook schema '{_schema}' is at version {version}, "
                    + $"newer than this Hookline.PostgreSql knows ({PostgreSqlSchema.Migrations.Length}). "
                    + "Upgrade the package.");
            }

            for (var next = version; next < PostgreSqlSchema.Migrations.Length; next++)
            {
                await ExecuteAsync(connection, transaction, PostgreSqlSchema.Migrations[next], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO {schema}.schema_versions (version) VALUES (@version);",
                        cancellationToken,
                        Integer("version", next + 1))
                    .ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, again (from the start) if PostgreSQL aborted it to break a deadlock.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    try
                    {
                        var result = await work(connection, transaction).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                    catch (PostgresException e)
                        when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                            && tries < MaxTries)
                    {
                        // Rolled back on dispose; nothing of it was stored, so it runs again whole.
                    }
                }
            }
        }
    }

    /// <summary>Runs a query (outside any transaction) and maps every row with <paramref name="read"/>.</summary>
    private async Task<List<T>> ReadAsync<T>(
        string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, null, sql, read, cancellationToken, parameters).ConfigureAwait(false);
        }
    }

    private async Task<List<T>> ReadAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken,
        params NpgsqlParameter[] parameters)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<T>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }

                return rows;
            }
        }
    }

    /// <summary>A command whose SQL names the store's tables as <c>{schema}.table</c>.</summary>
    private NpgsqlCommand Command(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql.Replace("{schema}", _schema, StringComparison.Ordinal), connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private Task<int> ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        CancellationToken cancellationToken,
        params NpgsqlParameter[] parameters) =>
        RunAsync(connection, transaction, sql, parameters, command => command.ExecuteNonQueryAsync(cancellationToken));

    private Task<object?> ScalarAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        CancellationToken cancellationToken,
        params NpgsqlParameter[] parameters) =>
        RunAsync(connection, transaction, sql, parameters, command => command.ExecuteScalarAsync(cancellationToken));

    /// <summary>Runs one command with <paramref name="run"/>, disposing it after.</summary>
    private async Task<T> RunAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string sql,
        NpgsqlParameter[] parameters,
        Func<NpgsqlCommand, Task<T>> run)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await run(command).ConfigureAwait(false);
        }
    }

    private static NpgsqlParameter Text(string name, string? value) => Parameter(name, NpgsqlDbType.Text, value);

    private static NpgsqlParameter TextArray(string name, IEnumerable<string?> values) =>
        Parameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values.ToArray());

    private static NpgsqlParameter Integer(string name, int? value) => Parameter(name, NpgsqlDbType.Integer, value);

    private static NpgsqlParameter Bigint(string name, long? value) => Parameter(name, NpgsqlDbType.Bigint, value);

    private static NpgsqlParameter Boolean(string name, bool? value) => Parameter(name, NpgsqlDbType.Boolean, value);

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) => Parameter(name, NpgsqlDbType.TimestampTz, Stored(value));

    /// <summary>
    /// A time as the store keeps it: in UTC, to the millisecond, as every store does (a publish's time read back, or compared
    /// with a lease's, is the same on SQLite); <c>timestamptz</c> alone would keep microseconds.
    /// </summary>
    private static DateTimeOffset? Stored(DateTimeOffset? time) =>
        time is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()) : null;

    private static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? NullableInteger(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static string ToJson(IReadOnlyList<WebhookEndpointSecret> secrets) =>
        JsonSerializer.Serialize([.. secrets], PostgreSqlJsonContext.Default.ListWebhookEndpointSecret);

    private static List<WebhookEndpointSecret> SecretsFromJson(string json) =>
        JsonSerializer.Deserialize(json, PostgreSqlJsonContext.Default.ListWebhookEndpointSecret) ?? [];
}
