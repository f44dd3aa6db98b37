using Npgsql;

namespace Hookline.Tests;

/// <summary>
/// The PostgreSQL server the tests use: on loopback, as <c>.ci/run</c> starts it, or the one named by
/// <c>HOOKLINE_TEST_POSTGRES</c>. Each test gets a schema (or database) of its own in it.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "HOOKLINE_TEST_POSTGRES";

    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=hookline;Password=hookline;Database=postgres;Timeout=5";

    private static readonly Lazy<string?> s_unavailable = new(() =>
    {
        try
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return e.Message;
        }
    });

    /// <summary>Skips the test when there is no server, except on CI, where the test runs and fails.</summary>
    public static void SkipUnlessAvailable() =>
        Skip.If(
            s_unavailable.Value is not null && !TestEnvironment.IsCI,
            $"Needs a PostgreSQL server ({s_unavailable.Value}): `bash .ci/run` starts one on 127.0.0.1:5432, or set {Variable}.");

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => $"test_{Guid.NewGuid():N}";

    /// <summary>
    /// A database of the test's own, for apps that use fixed schemas (the sample's <c>hookline</c> and <c>public</c>): its
    /// connection string. Its search path is <c>public</c>: the default, <c>"$user", public</c>, would put the schema named as
    /// the login (<c>hookline</c>, Hookline's), once it exists, before the app's own tables. Apps connect with patience: a
    /// busy machine may take more than the 5 s the other tests allow.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync($"CREATE DATABASE {name};");
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, SearchPath = "public", Timeout = 30 };
        return connectionString.ConnectionString;
    }

    /// <summary>Drops a test's database, closing whatever connections its apps left (nothing to drop where there is no server).</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        if (s_unavailable.Value is not null)
        {
            return;
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE);");
    }

    /// <summary>Drops a test's schema with everything in it (nothing to drop where there is no server: the test was skipped).</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        if (s_unavailable.Value is not null)
        {
            return;
        }

        await ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
    }

    /// <summary>
    /// Waits until every transaction that had begun writing on the server when called has ended (whoever runs it, in whatever
    /// database): from then on a polling endpoint's feed holds what they committed, as it reads only below the snapshot's xmin.
    /// </summary>
    public static async Task SettleAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var next = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text;", connection);
        var xmax = (string)(await next.ExecuteScalarAsync())!;
        await using var settled = new NpgsqlCommand("SELECT pg_snapshot_xmin(pg_current_snapshot()) >= @xmax::xid8;", connection);
        settled.Parameters.AddWithValue("xmax", xmax);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(bool)(await settled.ExecuteScalarAsync())!)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "Transactions on the test server stayed open for 30 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>Runs <paramref name="sql"/> on the test server, on a connection of its own.</summary>
    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
