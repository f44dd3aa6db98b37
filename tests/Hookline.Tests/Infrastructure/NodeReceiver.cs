using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>tests/node/receiver.mjs: a Node server that verifies each request with the official npm <c>standardwebhooks</c> package.</summary>
internal sealed class NodeReceiver : IAsyncDisposable
{
    private readonly Process _process;

    private NodeReceiver(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<NodeReceiver> StartAsync(string secret)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(TestEnvironment.NodeToolsDirectory, "receiver.mjs"), secret])
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
        _process.Dispose();
    }
}
