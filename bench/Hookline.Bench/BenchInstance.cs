using System.Diagnostics;
using System.Text.Json;

/// <summary>
/// An app instance on PostgreSQL in a child process of its own, as a deployment runs several: it delivers whatever is
/// due and publishes when told to through its standard input, one command a line ("publish from count concurrency",
/// "paced from count perSecond"), answering each with one line ("ready" first, when it has started).
/// </summary>
internal sealed class BenchInstance : IAsyncDisposable
{
    private readonly Process _process;

    private BenchInstance(Process process) => _process = process;

    /// <summary>The child's process id, whose CPU time the capacity row reads.</summary>
    public int ProcessId => _process.Id;

    public static async Task<BenchInstance> StartAsync(string connectionString)
    {
        var instance = new BenchInstance(Process.Start(
            new ProcessStartInfo("dotnet", [typeof(BenchEvent).Assembly.Location, "--instance", connectionString])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            })!);
        await instance.ReadReplyAsync();
        return instance;
    }

    /// <summary>Publishes events <paramref name="from"/>.. with <paramref name="concurrency"/> callers; returns when all are stored.</summary>
    public Task PublishAsync(int from, int count, int concurrency) => SendAsync($"publish {from} {count} {concurrency}");

    /// <summary>Publishes events <paramref name="from"/>.. at a steady rate; returns when each publish started.</summary>
    public async Task<PublishedAt[]> PacedAsync(int from, int count, int perSecond) =>
        JsonSerializer.Deserialize<PublishedAt[]>(await SendAsync($"paced {from} {count} {perSecond}"), JsonSerializerOptions.Web)!;

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close(); // The end of its input stops the instance, as SIGTERM would.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    /// <summary>The child's side: runs the instance until its input ends.</summary>
    public static async Task ServeAsync(string connectionString)
    {
        await using var host = await BenchHost.PostgreSqlAsync(connectionString, deliver: true, 64);
        Console.WriteLine("ready");
        while (Console.ReadLine() is { } line)
        {
            var reply = line.Split(' ') switch
            {
                ["publish", var from, var count, var concurrency] => await PublishAsync(host, int.Parse(from), int.Parse(count), int.Parse(concurrency)),
                ["paced", var from, var count, var perSecond] => JsonSerializer.Serialize(
                    await Load.PacedAsync(host.Publisher, int.Parse(from), int.Parse(count), int.Parse(perSecond)), JsonSerializerOptions.Web),
                _ => throw new InvalidOperationException($"Unknown command: {line}"),
            };
            Console.WriteLine(reply);
        }
    }

    private static async Task<string> PublishAsync(BenchHost host, int from, int count, int concurrency)
    {
        await Load.Workers(count, concurrency, i => host.Publisher.PublishAsync("bench.event", BenchEvent.Create(from + i)));
        return "published";
    }

    private async Task<string> SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadReplyAsync();
    }

    private async Task<string> ReadReplyAsync() =>
        await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"Instance {_process.Id} stopped.");
}
