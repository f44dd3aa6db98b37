using Hookline.PostgreSql;
using Hookline.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Hookline.Tests.Storage;

/// <summary>
/// A read of a polling endpoint's feed looks at no more than its scan of the tenant's (and every tenant's) messages after the
/// position, by index, whatever the table holds: the plans of both stores' query over 100,000 messages of 1,000 tenants, one in ten
/// of every tenant and one in ten of the tenant read (tenant-7), written to the test's output.
/// </summary>
public sealed class FeedPlanTests(ITestOutputHelper output)
{
    private const int Scan = 1_000;

    [Fact]
    public async Task ReadFeed_Sqlite_SearchesByTenantAndSeqAndNeverScansTheMessages()
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
                INSERT INTO messages (id, webhook, method, tenant, payload, created_at, seq)
                SELECT printf('msg_%026d', i), 'ping', 'POST',
                       CASE i % 10 WHEN 0 THEN NULL WHEN 1 THEN 'tenant-7' ELSE 'tenant-' || (i % 1000) END, x'7b7d', i, i FROM n;
                ANALYZE;
                """;
            await seed.ExecuteNonQueryAsync();

            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteWebhookStore.FeedSql(tenant: true);
            explain.Parameters.AddWithValue("$tenant", "tenant-7");
            explain.Parameters.AddWithValue("$after", 50_000);
            explain.Parameters.AddWithValue("$scan", Scan);
            explain.Parameters.AddWithValue("$limit", 50);
            explain.Parameters.AddWithValue("$since", 0);
            explain.Parameters.AddWithValue("$endpoint", "ep_0001");
            explain.Parameters.AddWithValue("$types", DBNull.Value);
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            output.WriteLine(string.Join(Environment.NewLine, plan));
            const string BothSides = "SEARCH m USING INDEX ix_messages_tenant_seq (tenant=? AND seq>?)";
            Assert.Equal(2, plan.Count(step => step.StartsWith(BothSides, StringComparison.Ordinal)));
            Assert.Contains(
                plan, step => step.StartsWith("SEARCH m USING INDEX sqlite_autoindex_messages_1 (id=?)", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN m", StringComparison.Ordinal));
        }
        finally
        {
            SqliteTestFiles.Delete(file);
        }
    }

    [SkippableFact]
    public async Task ReadFeed_PostgreSql_LooksAtNoMoreThanItsScan()
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
                SELECT 'msg_' || lpad(i::text, 26, '0'), 'ping', 'POST',
                       CASE i % 10 WHEN 0 THEN NULL WHEN 1 THEN 'tenant-7' ELSE 'tenant-' || (i % 1000) END, '\x7b7d', now()
                FROM generate_series(1, 100000) i;
                ANALYZE {schema}.messages;
                """,
                connection))
            {
                await seed.ExecuteNonQueryAsync();
            }

            await TestPostgres.SettleAsync();
            await using var explain = new NpgsqlCommand(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                + PostgreSqlWebhookStore.FeedSql(tenant: true).Replace("{schema}", schema, StringComparison.Ordinal),
                connection);
            explain.Parameters.AddWithValue("tenant", NpgsqlTypes.NpgsqlDbType.Text, "tenant-7");
            explain.Parameters.AddWithValue("tx", NpgsqlTypes.NpgsqlDbType.Text, "0");
            explain.Parameters.AddWithValue("seq", NpgsqlTypes.NpgsqlDbType.Bigint, 50_000L);
            explain.Parameters.AddWithValue("scan", NpgsqlTypes.NpgsqlDbType.Integer, Scan);
            explain.Parameters.AddWithValue("limit", NpgsqlTypes.NpgsqlDbType.Integer, 50);
            explain.Parameters.AddWithValue("since", NpgsqlTypes.NpgsqlDbType.TimestampTz, DateTimeOffset.UnixEpoch);
            explain.Parameters.AddWithValue("endpoint", NpgsqlTypes.NpgsqlDbType.Text, "ep_0001");
            explain.Parameters.Add(
                new NpgsqlParameter("types", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value });
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
            Assert.Equal(2, plan.Count(step => step.Contains("Index Scan using ix_messages_feed", StringComparison.Ordinal)));
            var scanned = plan
                .Where(step => step.Contains(" Scan ", StringComparison.Ordinal) && step.Contains("rows=", StringComparison.Ordinal))
                .Select(step => step[(step.IndexOf("rows=", StringComparison.Ordinal) + 5)..].Split(' ', ')')[0])
                .Select(rows => int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.NotEmpty(scanned);
            Assert.All(scanned, rows => Assert.InRange(rows, 0, Scan));
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }
}
