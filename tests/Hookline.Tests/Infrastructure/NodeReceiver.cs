using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>
/// samples/receiver/receiver.mjs: a Node server that verifies each request with the official npm
/// <c>standardwebhooks</c> package and prints a line for each.
/// </summary>
internal sealed class NodeReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task _reading;

    private NodeReceiver(Process process, string url)
    {
        _process = process;
        Url = url;
        _reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
            }
        });
    }

    public string Url { get; }

    /// <summary>What it printed per request: <c>verified &lt;webhook-id&gt; &lt;body&gt;</c> or <c>refused &lt;reason&gt;</c>.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public static async Task<NodeReceiver> StartAsync(string secret)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(TestEnvironment.SampleReceiverDirectory, "receiver.mjs"), secret])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(line?.StartsWith("listening ", StringComparison.Ordinal), $"The Node receiver did not start: {line}");
        return new NodeReceiver(process, $"http://127.0.0.1:{line!["listening ".Length..]}/hook");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _reading;
        _process.Dispose();
    }
}
