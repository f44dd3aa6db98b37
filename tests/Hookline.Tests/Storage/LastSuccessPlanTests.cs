using Hookline.PostgreSql;
using Hookline.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Hookline.Tests.Storage;

/// <summary>
/// An endpoint's last success reads its newest hours of counts, never its attempts nor all of its hours: the plans of both
/// stores' query, over 200 endpoints of 10 tenants with 15 days of hours each (one in two failing for its last 5 days, after
/// which it would be disabled), written to the test's output.
/// </summary>
public sealed class LastSuccessPlanTests(ITestOutputHelper output)
{
    private const int Hours = 360;
    private const int FailingHours = 120;

    [Fact]
    public async Task LastSuccesses_Sqlite_SeekTheTenantsEndpoints_ThenEachOnesNewestHoursByPrimaryKey()
    {
        var file = SqliteTestFiles.NewPath();
        try
        {
            using (var store = new SqliteWebhookStore($"Data Source={file}"))
            {
                await store.InitializeAsync(default);
            }

            await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            await connection.OpenAsync();
            await using var seed = connection.CreateCommand();
            seed.CommandText = $"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
                INSERT INTO endpoints (id, tenant, url, enabled, secrets, created_at, updated_at)
                SELECT printf('ep_%04d', i), 'tenant-' || (i % 10), 'http://127.0.0.1:9/', 1, '[]', 0, 0 FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199),
                               h(h) AS (SELECT 0 UNION ALL SELECT h + 1 FROM h WHERE h < {Hours - 1})
                INSERT INTO attempt_hours (endpoint_id, hour, succeeded, failed, last_succeeded_at)
                SELECT printf('ep_%04d', i), h * 3600000, ok, 1 - ok, CASE WHEN ok = 1 THEN h * 3600000 + 1000 END
                FROM (SELECT i, h, CASE WHEN i % 20 >= 10 AND h >= {Hours - FailingHours} THEN 0 ELSE 1 END AS ok FROM n, h);
                ANALYZE;
                """;
            await seed.ExecuteNonQueryAsync();

            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteWebhookStore.LastSuccessesSql;
            explain.Parameters.AddWithValue("$tenant", "tenant-7");
            explain.Parameters.AddWithValue("$endpoint", DBNull.Value);
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            output.WriteLine(string.Join(Environment.NewLine, plan));
            Assert.Contains(
                plan,
                step => step.StartsWith("SEARCH e USING", StringComparison.Ordinal)
                    && step.Contains("(tenant=?", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.StartsWith("SEARCH h USING PRIMARY KEY (endpoint_id=?)", StringComparison.Ordinal));
            Assert.DoesNotContain(
                plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) || step.Contains("TEMP B-TREE", StringComparison.Ordinal));

            // And what it answers: a healthy endpoint's newest hour, a failing one's last hour before it began failing.
            using var reading = new SqliteWebhookStore($"Data Source={file}");
            var successes = await reading.QueryLastSuccessesAsync("tenant-7", null, default);
            Assert.Equal(20, successes.Count);
            Assert.Equal(Time(Hours - FailingHours - 1).AddSeconds(1), successes["ep_0017"]);
            Assert.Equal(Time(Hours - 1).AddSeconds(1), successes["ep_0007"]);
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [SkippableFact]
    public async Task LastSuccesses_PostgreSql_ReadOnlyEachEndpointsNewestHours()
    {
        TestPostgres.SkipUnlessAvailable();
        var schema = TestPostgres.NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        try
        {
            var store = new PostgreSqlWebhookStore(dataSource, schema);
            await store.InitializeAsync(default);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var seed = new NpgsqlCommand(
                $"""
                INSERT INTO {schema}.endpoints (id, tenant, url, enabled, secrets, created_at, updated_at, version)
                SELECT 'ep_' || lpad(i::text, 4, '0'), 'tenant-' || (i % 10), 'http://127.0.0.1:9/', true, '[]', now(), now(), 1
                FROM generate_series(0, 199) i;
                INSERT INTO {schema}.attempt_hours (endpoint_id, hour, shard, succeeded, failed, last_succeeded_at)
                SELECT 'ep_' || lpad(i::text, 4, '0'), timestamptz 'epoch' + h * interval '1 hour', s, ok, 1 - ok,
                       CASE WHEN ok = 1 THEN timestamptz 'epoch' + h * interval '1 hour' + s * interval '1 second' END
                FROM generate_series(0, 199) i, generate_series(0, {Hours - 1}) h, generate_series(0, 1) s,
                     LATERAL (SELECT CASE WHEN i % 20 >= 10 AND h >= {Hours - FailingHours} THEN 0 ELSE 1 END AS ok) o;
                ANALYZE {schema}.endpoints;
                ANALYZE {schema}.attempt_hours;
                """,
                connection) { CommandTimeout = 300 })
            {
                await seed.ExecuteNonQueryAsync();
            }

            await using var explain = new NpgsqlCommand(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                + PostgreSqlWebhookStore.LastSuccessesSql.Replace("{schema}", schema, StringComparison.Ordinal),
                connection);
            explain.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = "tenant-7" });
            explain.Parameters.Add(new NpgsqlParameter("endpoint", NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }

            output.WriteLine(string.Join(Environment.NewLine, plan));
            // The hours are read by their primary key, newest first, and only down to the newest with a success: per endpoint (the
            // plan's figures are averages over its loops) at most the rows of the hours it has been failing since and of the hour
            // before them (two shards each, and the next row, which ends the sort's group): never all of its rows, nor the table.
            var scan = plan.FindIndex(step => step.Contains("on attempt_hours", StringComparison.Ordinal));
            Assert.True(scan >= 0, "The plan reads no hours.");
            Assert.Contains("Index Scan Backward using attempt_hours_pkey", plan[scan], StringComparison.Ordinal);
            Assert.DoesNotContain(plan, step => step.Contains("Seq Scan on attempt_hours", StringComparison.Ordinal));
            var removed = plan.Skip(scan).TakeWhile(step => step.Length > 0)
                .FirstOrDefault(step => step.Contains("Rows Removed", StringComparison.Ordinal));
            var read = Figure(plan[scan], "rows=") + (removed is null ? 0 : Figure(removed, "Filter: "));
            output.WriteLine($"Hour rows read per endpoint, on average: {read}");
            Assert.InRange(read, 1, 2 * (FailingHours + 1) + 1);

            var successes = await store.QueryLastSuccessesAsync("tenant-7", null, default);
            Assert.Equal(20, successes.Count);
            Assert.Equal(Time(Hours - FailingHours - 1).AddSeconds(1), successes["ep_0017"]);
            Assert.Equal(Time(Hours - 1).AddSeconds(1), successes["ep_0007"]);
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    private static DateTimeOffset Time(int hour) => DateTimeOffset.UnixEpoch.AddHours(hour);

    /// <summary>The whole number after <paramref name="label"/> in a line of a plan.</summary>
    private static int Figure(string step, string label) => int.Parse(
        step[(step.IndexOf(label, StringComparison.Ordinal) + label.Length)..].Split(' ', ')')[0],
        System.Globalization.CultureInfo.InvariantCulture);
}
