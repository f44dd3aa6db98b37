using System.Text.Json;
using Hookline.Storage;
using Microsoft.Data.Sqlite;

namespace Hookline.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, the WAL fsynced before a durable write returns, so what a call stored
/// survives a crash. SQLite has one writer at a time; writes queue on a semaphore here instead of spinning on
/// SQLITE_BUSY, run on one connection of the store's own that keeps its prepared statements, and the callers batch (group
/// commit) so each transaction carries many rows.
/// </summary>
/// <remarks>
/// One partial file per role: <c>.EndpointStore.cs</c>, <c>.MessageAppender.cs</c>, <c>.DeliveryQueue.cs</c>,
/// <c>.LogReader.cs</c>; this one holds the schema (<see cref="InitializeAsync"/>) and what they share.
/// </remarks>
/// <param name="connectionString">A Microsoft.Data.Sqlite connection string naming a file.</param>
/// <param name="delivers">
/// Whether this process delivers from the file: then it holds the file's delivery lock from <see cref="InitializeAsync"/> on,
/// and a second process that would deliver from the same file is refused (<see cref="ClaimDelivery"/>).
/// </param>
internal sealed partial class SqliteWebhookStore(string connectionString, bool delivers = false) : IWebhookStore, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writerConnection;
    private FileStream? _deliveryLock;
    private bool _disposed;
    private long _durableCommits;
    private long _syncedCommits;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        using (var connection = await OpenForStartAsync(cancellationToken).ConfigureAwait(false))
        {
            if (delivers)
            {
                _deliveryLock ??= ClaimDelivery(connection.DataSource);
            }

            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(
            async (connection, transaction) =>
            {
                await ExecuteAsync(
                        connection,
                        transaction,
                        "CREATE TABLE IF NOT EXISTS hookline_schema (version INTEGER NOT NULL);",
                        cancellationToken)
                    .ConfigureAwait(false);
                var version = Convert.ToInt32(
                    await ScalarAsync(
                            connection, transaction, "SELECT ifnull(max(version), 0) FROM hookline_schema;", cancellationToken)
                        .ConfigureAwait(false));
                if (version > SqliteSchema.Migrations.Length)
                {
                    throw new InvalidOperationException(
                        $"The webhook database is at schema version {version}, newer than this Hookline.Sqlite knows "
                        + $"({SqliteSchema.Migrations.Length}). Upgrade the package.");
                }

                for (var next = version; next < SqliteSchema.Migrations.Length; next++)
                {
                    await ExecuteAsync(connection, transaction, SqliteSchema.Migrations[next], cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(
                            connection, transaction, $"INSERT INTO hookline_schema (version) VALUES ({next + 1});", cancellationToken)
                        .ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the writer connection once the write in progress, if any, is done; writes after this throw.</summary>
    public void Dispose()
    {
        _writer.Wait();
        try
        {
            _disposed = true;
            CloseWriter();
            _deliveryLock?.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Takes the file's delivery lock, <c>{file}-hookline.lock</c>: an OS lock on an open file, which the process loses when it
    /// exits, however it exits. The embedded store serves one instance: its writes queue in this process, and two delivering
    /// processes would contend for the file's one writer (SQLite's busy waits) with every lease and record; the second is
    /// refused at start, with the fix.
    /// </summary>
    private static FileStream ClaimDelivery(string database)
    {
        var path = database + "-hookline.lock";
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"Another process delivers webhooks from '{database}' (it holds '{path}'). The SQLite store delivers from one process: "
                + "to run several instances, use UsePostgreSql (package Hookline.PostgreSql); to publish from this process and leave "
                + "delivering to the other, set Webhooks:Delivery:Enabled to false (WebhookOptions.Delivery.Enabled).",
                e);
        }
    }

    /// <summary>Opens the file the first time, turning SQLite's bare "unable to open database file" into the path and the fix.</summary>
    private async Task<SqliteConnection> OpenForStartAsync(CancellationToken cancellationToken)
    {
        const int Permission = 3, ReadOnly = 8, CannotOpen = 14, NotADatabase = 26;
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var check = Command(connection, null, "SELECT count(*) FROM sqlite_schema;");
            await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is Permission or ReadOnly or CannotOpen or NotADatabase)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var path = file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? file : Path.GetFullPath(file);
            var fix = e.SqliteErrorCode == NotADatabase
                ? "The file is not a SQLite database: point UseSqlite at another file"
                : $"Check that the directory '{Path.GetDirectoryName(path)}' exists and the app may write to it "
                  + "(SQLite also creates '-wal' and '-shm' files next to it), or point UseSqlite at a file it can create";
            throw new InvalidOperationException(
                $"The webhook database '{path}' cannot be opened: {e.Message} {fix}, e.g. .UseSqlite(\"Data Source=webhooks.db\").",
                e);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE), one at a time, on the writer connection. A
    /// <paramref name="durable"/> one is on disk before it returns: what a caller was promised, such as a stored publish. Its
    /// commit writes the WAL without fsync (the writer connection is at synchronous=NORMAL) and the WAL is fsynced after the
    /// writer is released (<see cref="SyncAsync"/>), so the next write does not wait for the disk, and the durable writes that
    /// wait together share one fsync. Leases and attempt records are not fsynced: they survive a killed process, not a power
    /// cut, and losing one on a power cut means a delivery is sent again, which at-least-once delivery allows.
    /// </summary>
    private async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, bool durable = true)
    {
        T result;
        string wal;
        long commit;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _writerConnection ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            commit = durable ? Interlocked.Increment(ref _durableCommits) : 0;
            wal = connection.DataSource + "-wal";
        }
        catch
        {
            // A write the database refused was rolled back, and the connection is kept. Closing it could make it the file's
            // last connection that has read in WAL mode, whose close checkpoints and deletes the WAL under pooled readers; one
            // such reader then prepared against a stale schema ("no such table"). One left inside a transaction, or broken, is
            // closed.
            if (_writerConnection is { } writer && (writer.Handle is not { } handle || SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0))
            {
                CloseWriter();
            }

            throw;
        }
        finally
        {
            _writer.Release();
        }

        if (durable)
        {
            await SyncAsync(wal, commit).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The writer connection: not pooled, so its synchronous=NORMAL never reaches a connection the app opens.</summary>
    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void CloseWriter()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
        _writerConnection?.Dispose();
        _writerConnection = null;
    }

    /// <summary>
    /// A statement of the writer connection in <paramref name="transaction"/>, with <paramref name="parameters"/> set: prepared
    /// once and kept for the next write (preparing statements again in every transaction cost ~5 % of a delivery's CPU). The
    /// store disposes it with the connection; statements that may run on an app's connection use <see cref="Command"/>.
    /// </summary>
    private SqliteCommand Prepared(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        if (transaction.Connection is not { } connection || !ReferenceEquals(connection, _writerConnection))
        {
            throw new InvalidOperationException("Prepared statements are the writer connection's; use Command on other connections.");
        }

        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Command(connection, transaction, sql, parameters);
            _prepared.Add(sql, command);
            return command;
        }

        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>
    /// Fsyncs the WAL unless a sync since <paramref name="commit"/> was written already did: one sync covers every durable
    /// commit written before it began. Frames a checkpoint moved out of the WAL are already synced in the database file (SQLite
    /// syncs it before it reuses the WAL), and with no WAL file left there is nothing unsynced.
    /// </summary>
    private async Task SyncAsync(string wal, long commit)
    {
        await _syncing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _syncedCommits) >= commit)
            {
                return;
            }

            var written = Interlocked.Read(ref _durableCommits);
            try
            {
                using var handle = File.OpenHandle(wal, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(handle);
            }
            catch (FileNotFoundException)
            {
            }

            Volatile.Write(ref _syncedCommits, written);
        }
        finally
        {
            _syncing.Release();
        }
    }

    /// <summary>
    /// Runs a query on a connection of its own (reads never wait for the writer) and maps every row with <paramref name="read"/>.
    /// </summary>
    private async Task<List<T>> ReadAsync<T>(
        string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(connection, null, sql, parameters);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static SqliteCommand Command(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string sql,
        CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static long ToUnix(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnix(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromUnix(reader.GetInt64(ordinal));

    private static string? NullableText(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string ToJson(IReadOnlyList<WebhookEndpointSecret> secrets) =>
        JsonSerializer.Serialize([.. secrets], SqliteJsonContext.Default.ListWebhookEndpointSecret);

    private static List<WebhookEndpointSecret> SecretsFromJson(string json) =>
        JsonSerializer.Deserialize(json, SqliteJsonContext.Default.ListWebhookEndpointSecret) ?? [];
}
