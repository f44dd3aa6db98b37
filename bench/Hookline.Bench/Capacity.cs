using System.Diagnostics;
using Npgsql;

/// <summary>
/// What one delivery costs on PostgreSQL, for the capacity model of docs/scaling.md: one app instance (a process of its own)
/// publishes and delivers on a fresh database, and the run reads the CPU time of that process and of the server's processes,
/// the rows the server wrote and the WAL it generated.
/// </summary>
internal static class Capacity
{
    public static async Task<CapacityCost> MeasureAsync(BenchReceiver receiver, int count, int concurrency)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var setup = await BenchHost.PostgreSqlAsync(database.ConnectionString, deliver: false, 1);
        await setup.Endpoints.CreateAsync(new() { Url = receiver.Url });
        await using var instance = await BenchInstance.StartAsync(database.ConnectionString);
        await RunAsync(count / 10); // Warm-up: JIT and the instance's pool.
        var before = await SnapshotAsync(database.ConnectionString, instance.ProcessId);
        var clock = Stopwatch.StartNew();
        await RunAsync(count);
        clock.Stop();
        var after = await SnapshotAsync(database.ConnectionString, instance.ProcessId);
        return new CapacityCost(
            count / clock.Elapsed.TotalSeconds,
            (after.AppCpu - before.AppCpu).TotalMicroseconds / count,
            (after.ServerCpu - before.ServerCpu).TotalMicroseconds / count,
            (double)(after.Inserted - before.Inserted) / count,
            (double)(after.Updated - before.Updated) / count,
            (double)(after.Deleted - before.Deleted) / count,
            (double)(after.WalBytes - before.WalBytes) / count,
            (double)after.StoredBytes / (count + (count / 10)));

        async Task RunAsync(int total)
        {
            receiver.Reset();
            await instance.PublishAsync(0, total, concurrency);
            await Load.UntilAsync(() => Task.FromResult(receiver.Count >= total));
            await Load.UntilAsync(async () => (await setup.Queue.GetBacklogAsync(DateTimeOffset.UtcNow, default)).Pending == 0);
        }
    }

    private static async Task<Snapshot> SnapshotAsync(string connectionString, int appProcess)
    {
        // A backend reports its table counts when it is idle, at most a second after its transaction ends.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce(sum(n_tup_ins), 0)::bigint, coalesce(sum(n_tup_upd), 0)::bigint, coalesce(sum(n_tup_del), 0)::bigint,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,
                   coalesce(sum(pg_total_relation_size(relid)), 0)::bigint
            FROM pg_stat_user_tables WHERE schemaname = 'hookline';
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Snapshot(
            Cpu(appProcess),
            ServerCpu(),
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.GetInt64(3),
            reader.GetInt64(4));
    }

    /// <summary>The CPU time of the server's processes (named <c>postgres</c>), from <c>/proc</c>.</summary>
    private static TimeSpan ServerCpu() => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName)
        .Where(name => int.TryParse(name, out _))
        .Select(name => int.Parse(name!))
        .Where(pid => Command(pid) == "postgres")
        .Aggregate(TimeSpan.Zero, (total, pid) => total + Cpu(pid));

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null; // Gone meanwhile.
        }
    }

    /// <summary>User and system time of a process, from <c>/proc/{pid}/stat</c> (clock ticks of 10 ms).</summary>
    private static TimeSpan Cpu(int pid)
    {
        try
        {
            // The fields after the command's closing parenthesis: state is the first, utime the 12th, stime the 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    private sealed record Snapshot(
        TimeSpan AppCpu, TimeSpan ServerCpu, long Inserted, long Updated, long Deleted, long WalBytes, long StoredBytes);
}

/// <summary>
/// What a delivery cost on PostgreSQL, end to end with one instance; <see cref="StoredBytes"/> is what the tables and their
/// indexes hold a delivery at the end (its message, delivery and attempt, kept until retention deletes them).
/// </summary>
internal sealed record CapacityCost(
    double PerSecond,
    double AppMicroseconds,
    double ServerMicroseconds,
    double Inserted,
    double Updated,
    double Deleted,
    double WalBytes,
    double StoredBytes)
{
    public override string ToString() =>
        $"{PerSecond:0} deliveries/s; CPU a delivery: app {AppMicroseconds:0} µs, server {ServerMicroseconds:0} µs; "
        + $"rows a delivery: {Inserted:0.00} inserted, {Updated:0.00} updated, {Deleted:0.00} deleted; WAL {WalBytes:0} bytes; "
        + $"stored {StoredBytes:0} bytes";
}
