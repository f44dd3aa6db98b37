using Npgsql;

/// <summary>
/// A PostgreSQL database of the benchmark's own, created for one measurement and dropped after it, on the server named
/// by <c>HOOKLINE_BENCH_POSTGRES</c> (by default the one <c>.ci/run</c> starts on 127.0.0.1:5432).
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private static readonly string s_server = Environment.GetEnvironmentVariable("HOOKLINE_BENCH_POSTGRES") is { Length: > 0 } configured
        ? configured
        : "Host=127.0.0.1;Port=5432;Username=hookline;Password=hookline;Database=postgres";

    private readonly string _name;

    private BenchDatabase(string name) =>
        (_name, ConnectionString) = (name, new NpgsqlConnectionStringBuilder(s_server) { Database = name }.ConnectionString);

    public string ConnectionString { get; }

    /// <summary>Why the PostgreSQL rows cannot run here, or <see langword="null"/> when the server answers.</summary>
    public static async Task<string?> UnavailableAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(s_server);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    public static async Task<BenchDatabase> CreateAsync()
    {
        var database = new BenchDatabase($"hookline_bench_{Guid.NewGuid():N}");
        await ExecuteAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(s_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
