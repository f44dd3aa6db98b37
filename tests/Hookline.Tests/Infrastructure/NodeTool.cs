using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>Runs a Node script (one of tests/node, or any other): asserts it succeeds, or says how it ended.</summary>
internal static class NodeTool
{
    /// <summary>Runs <c>node tests/node/&lt;script&gt; args...</c>; fails the test with its output unless it exits 0. Returns its standard output.</summary>
    public static Task<string> RunAsync(string script, params string[] arguments) =>
        RunInAsync(TestEnvironment.NodeToolsDirectory, script, arguments, TimeSpan.FromSeconds(60));

    /// <summary>
    /// Runs <c>node &lt;script&gt; args...</c> in <paramref name="directory"/> (the script's path relative to it, or absolute); fails the
    /// test with its output unless it exits 0 within <paramref name="timeout"/>. Returns its standard output.
    /// </summary>
    public static async Task<string> RunInAsync(string directory, string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var (exitCode, output, errors) = await RunToExitAsync(directory, script, arguments, timeout);
        Assert.True(exitCode == 0, $"{script} failed:\n{errors}\n{output}");
        return output;
    }

    /// <summary>
    /// Runs <c>node tests/node/&lt;script&gt; args...</c> to its end, whatever its exit code: for a script whose refusal is the
    /// point. Returns its exit code and its standard output and error, trimmed.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(string script, params string[] arguments) =>
        RunToExitAsync(TestEnvironment.NodeToolsDirectory, script, arguments, TimeSpan.FromSeconds(60));

    private static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(
        string directory, string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node", [script, .. arguments])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {timeout}:\n{await errors}\n{await output}");
        }

        return (process.ExitCode, (await output).Trim(), (await errors).Trim());
    }

    /// <summary>Writes <paramref name="content"/> to a temporary file for a script to read, and deletes it afterwards.</summary>
    public static async Task<T> WithFileAsync<T>(string content, Func<string, Task<T>> use)
    {
        var file = Path.Combine(Path.GetTempPath(), $"hookline-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, content);
        try
        {
            return await use(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
