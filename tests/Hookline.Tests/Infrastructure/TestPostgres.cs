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

    /// <summary>Drops a test's schema with everything in it (nothing to drop where there is no server: the test was skipped).</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        if (s_unavailable.Value is not null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
