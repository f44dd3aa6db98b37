using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>The sample app (built next to the tests) in a child process of its own, so a test can kill it.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SampleProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What it printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the sample with <c>--key=value</c> settings.</summary>
    public static SampleProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Subscriptions.dll"), .. settings.Select(s => $"--{s.Key}={s.Value}")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return new SampleProcess(Process.Start(start)!);
    }

    /// <summary>Kills it with SIGKILL: no shutdown code runs. Returns the exit code.</summary>
    public async Task<int> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
