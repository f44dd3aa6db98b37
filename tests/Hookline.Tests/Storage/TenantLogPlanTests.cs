using Hookline.PostgreSql;
using Hookline.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Hookline.Tests.Storage;

/// <summary>
/// A tenant's page of its log reads about a page of rows, not the messages table: the plans of both stores' query, over
/// 100,000 messages of 1,000 tenants (one in ten sent to every tenant, received by ten each), written to the test's output.
/// </summary>
public sealed class TenantLogPlanTests(ITestOutputHelper output)
{
    private const int Limit = 51;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TenantPage_Sqlite_SearchesByTenantAndNeverScansTheMessages(bool before)
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
            seed.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                INSERT INTO messages (id, webhook, method, tenant, payload, created_at)
                SELECT printf('msg_%026d', i), 'ping', 'POST', CASE WHEN i % 10 = 0 THEN NULL ELSE 'tenant-' || (i % 1000) END, x'7b7d', i FROM n;
                WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 10 FROM n WHERE i < 100000), k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 9)
                INSERT INTO received_messages (tenant, message_id) SELECT 'tenant-' || ((i / 10 + k * 100) % 1000), printf('msg_%026d', i) FROM n, k;
                ANALYZE;
                """;
            await seed.ExecuteNonQueryAsync();

            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteWebhookStore.MessagesSql(tenant: true, before);
            foreach (var name in new[] { "$id", "$webhook", "$endpoint", "$status", "$since", "$until" })
            {
                explain.Parameters.AddWithValue(name, DBNull.Value);
            }

            explain.Parameters.AddWithValue("$tenant", "tenant-7");
            explain.Parameters.AddWithValue("$before", "msg_00000000000000000000050000");
            explain.Parameters.AddWithValue("$limit", Limit);
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            output.WriteLine(string.Join(Environment.NewLine, plan));
            Assert.Contains(plan, step => step.StartsWith("SEARCH m USING INDEX ix_messages_tenant_id (tenant=?", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.StartsWith("SEARCH r USING PRIMARY KEY (tenant=?", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN m", StringComparison.Ordinal) || step.StartsWith("SCAN r", StringComparison.Ordinal));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TenantPage_PostgreSql_ReadsAboutAPageOfRows(bool before)
    {
        TestPostgres.SkipUnlessAvailable();
        var schema = TestPostgres.NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        try
        {
            await new PostgreSqlWebhookStore(dataSource, schema).InitializeAsync(default);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var seed = new NpgsqlCommand(
                $"""
                INSERT INTO {schema}.messages (id, webhook, method, tenant, payload, created_at)
                SELECT 'msg_' || lpad(i::text, 26, '0'), 'ping', 'POST', CASE WHEN i % 10 = 0 THEN NULL ELSE 'tenant-' || (i % 1000) END,
                       '\x7b7d', now() FROM generate_series(1, 100000) i;
                INSERT INTO {schema}.received_messages (tenant, message_id)
                SELECT 'tenant-' || ((i / 10 + k * 100) % 1000), 'msg_' || lpad(i::text, 26, '0')
                FROM generate_series(10, 100000, 10) i, generate_series(0, 9) k;
                ANALYZE {schema}.messages;
                ANALYZE {schema}.received_messages;
                """,
                connection))
            {
                await seed.ExecuteNonQueryAsync();
            }

            await using var explain = new NpgsqlCommand(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                + PostgreSqlWebhookStore.MessagesSql(tenant: true, before).Replace("{schema}", schema, StringComparison.Ordinal),
                connection);
            foreach (var name in new[] { "id", "webhook", "endpoint" })
            {
                explain.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
            }

            explain.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Smallint) { Value = DBNull.Value });
            explain.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DBNull.Value });
            explain.Parameters.Add(new NpgsqlParameter("until", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DBNull.Value });
            explain.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlTypes.NpgsqlDbType.Text) { Value = "tenant-7" });
            explain.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.Text) { Value = "msg_" + 50000.ToString("D26") });
            explain.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = Limit });
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }

            output.WriteLine(string.Join(Environment.NewLine, plan));
            Assert.DoesNotContain(plan, step => step.Contains("Seq Scan", StringComparison.Ordinal));
            // Every scan of a table returns at most a page of rows (each side a page, the newest of both kept).
            var scanned = plan.Where(step => step.Contains(" Scan ", StringComparison.Ordinal) && step.Contains("rows=", StringComparison.Ordinal))
                .Select(step => int.Parse(step[(step.IndexOf("rows=", StringComparison.Ordinal) + 5)..].Split(' ', ')')[0], System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.NotEmpty(scanned);
            Assert.All(scanned, rows => Assert.InRange(rows, 0, Limit));
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }
}
