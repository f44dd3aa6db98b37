using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Hookline.Tests;

/// <summary>
/// A <c>dotnet</c> child process (an SDK command, an app) whose output is kept. Nested SDK commands run without build servers or
/// reused MSBuild nodes, which would outlive the command and hold its output open.
/// </summary>
internal sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private DotnetProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    /// <summary>What it printed so far, standard output and error interleaved.</summary>
    public string Output => string.Join('\n', _output);

    public IReadOnlyList<string> Lines => [.. _output];

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> to the end; fails the test with its output if it fails.</summary>
    public static async Task<string> RunAsync(string directory, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var command = Start(directory, arguments, environment);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await command._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"`dotnet {string.Join(' ', arguments)}` did not finish within {timeout}:\n{command.Output}");
        }

        Assert.True(command._process.ExitCode == 0, $"`dotnet {string.Join(' ', arguments)}` exited with {command._process.ExitCode}:\n{command.Output}");
        return command.Output;
    }

    /// <summary>
    /// Starts <c>dotnet</c> with <paramref name="arguments"/> and leaves it running; <paramref name="standardInput"/>, when given, is
    /// written to its standard input, which is then closed.
    /// </summary>
    public static DotnetProcess Start(
        string directory,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The test host inherits `dotnet test`'s MSBuild settings; a nested build must find its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        return new DotnetProcess(process);
    }

    /// <summary>Waits until it prints a line starting with <paramref name="prefix"/>, and returns the rest of that line.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line[prefix.Length..].Trim();
            }

            if (_process.HasExited)
            {
                Assert.Fail($"It exited ({_process.ExitCode}) before printing '{prefix}':\n{Output}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"It did not print '{prefix}' within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until it exits by itself and returns its exit code; fails the test with its output if it does not within the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"It did not exit within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills it with SIGKILL: no shutdown code runs. Returns the exit code.</summary>
    public async Task<int> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>Asks it to stop with SIGTERM, as a service manager does, and waits until it has. Returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Assert.Equal(0, SendSignal(_process.Id, 15));
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
