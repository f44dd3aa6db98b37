using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>Runs a Node script (one of tests/node, or any other) and asserts it succeeds.</summary>
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

        Assert.True(process.ExitCode == 0, $"{script} failed:\n{await errors}\n{await output}");
        return (await output).Trim();
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
