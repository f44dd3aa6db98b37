using Npgsql;

namespace Hookline.Tests.Sample;

/// <summary>
/// Instances of the sample, each a child process, on one PostgreSQL database of their own, as a deployment runs them. Requests
/// go to the open instances in turn; an instance is closed to new requests, and has answered those it had, before it is stopped
/// or killed, so that a request fails only for a reason of the test's.
/// </summary>
internal sealed class SampleCluster : IAsyncDisposable
{
    private readonly string _name;
    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly List<SampleProcess> _processes = [];
    private Instance[] _instances = [];

    private SampleCluster(string name, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        _name = name;
        _connectionString = connectionString;
        _settings = settings;
        Database = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The instances' database.</summary>
    public NpgsqlDataSource Database { get; }

    /// <summary>Instance <paramref name="index"/>'s current process.</summary>
    public SampleProcess this[int index] => _instances[index].Process;

    /// <summary>
    /// Starts <paramref name="count"/> instances with these settings (configuration keys) besides the connection string, each with
    /// a pool of <paramref name="maxPoolSize"/> connections.
    /// </summary>
    public static async Task<SampleCluster> StartAsync(int count, IReadOnlyDictionary<string, string> settings, int maxPoolSize = 20)
    {
        var name = TestPostgres.NewSchema();
        // A pool of 20 connections each by default: requests beyond wait for one, rather than take the server past its 100 (its default).
        var connectionString = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync(name))
        {
            MaxPoolSize = maxPoolSize,
        };
        var cluster = new SampleCluster(name, connectionString.ConnectionString, settings);
        try
        {
            await using (var fast = cluster.Database.CreateCommand($"ALTER DATABASE {name} SET synchronous_commit = off"))
            {
                // Commits do not wait for the disk: the tests kill app instances, never the database server, so nothing is lost.
                await fast.ExecuteNonQueryAsync();
            }

            cluster._instances = [.. (await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cluster.StartProcessAsync())))
                .Select(p => new Instance(p))];
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a request through an open instance, trying them in turn from <paramref name="turn"/> (modulo their count).</summary>
    public async Task SendAsync(int turn, Func<SampleProcess, Task> send)
    {
        for (; ; turn++)
        {
            var instance = _instances[turn % _instances.Length];
            if (!instance.TryEnter())
            {
                continue;
            }

            try
            {
                await send(instance.Process);
                return;
            }
            finally
            {
                instance.Exit();
            }
        }
    }

    /// <summary>
    /// Kills instance <paramref name="index"/> with SIGKILL, once its requests are answered: its process, and how many deliveries it
    /// had leased and not completed (its attempts in flight, due again when their leases run out).
    /// </summary>
    public async Task<(DotnetProcess Process, long InFlight)> KillAsync(int index)
    {
        await _instances[index].CloseAsync();
        var killed = _instances[index].Process.Process;
        Assert.Equal(137, await killed.KillAsync());
        return (killed, await InFlightAsync(index));
    }

    /// <summary>How many deliveries instance <paramref name="index"/>'s process has leased and not completed.</summary>
    public async Task<long> InFlightAsync(int index)
    {
        await using var count = Database.CreateCommand(
            "SELECT count(*) FROM hookline.deliveries WHERE status = 0 AND lease_owner LIKE $1");
        count.Parameters.Add(new() { Value = $"%/{_instances[index].Process.Process.Id}/%" }); // The owner is "machine/pid/guid".
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Restarts instance <paramref name="index"/> as a rolling deployment does: SIGTERM, once its requests are answered, then a new
    /// process. Returns the stopped one.
    /// </summary>
    public async Task<DotnetProcess> RestartAsync(int index)
    {
        await _instances[index].CloseAsync();
        var stopped = _instances[index].Process.Process;
        Assert.Equal(0, await stopped.TerminateAsync());
        _instances[index].Open(await StartProcessAsync());
        return stopped;
    }

    /// <summary>How many rows <paramref name="table"/> has, e.g. <c>hookline.messages</c>.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var count = Database.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>How many deliveries <paramref name="process"/> logged (with <c>Hookline.WebhookDispatcher</c> logging at Debug).</summary>
    public static int Delivered(DotnetProcess process) =>
        process.Lines.Count(l => l.TrimStart().StartsWith("Delivered msg_", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Database.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_name);
    }

    private async Task<SampleProcess> StartProcessAsync()
    {
        var process = await SampleProcess.StartAsync(
            new Dictionary<string, string>(_settings) { ["ConnectionStrings:Postgres"] = _connectionString });
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>An instance and the requests it has open: closed to new ones, and those drained, before it is stopped.</summary>
    private sealed class Instance(SampleProcess process)
    {
        private volatile bool _open = true;
        private int _requests;

        public SampleProcess Process { get; private set; } = process;

        public bool TryEnter()
        {
            Interlocked.Increment(ref _requests);
            if (_open)
            {
                return true;
            }

            Exit();
            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _requests);

        public Task CloseAsync()
        {
            _open = false;
            return Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref _requests) == 0), "its requests answered");
        }

        public void Open(SampleProcess process)
        {
            Process = process;
            _open = true;
        }
    }
}
