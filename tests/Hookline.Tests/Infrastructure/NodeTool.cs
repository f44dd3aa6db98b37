using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>Runs a script of tests/node and asserts it succeeds.</summary>
internal static class NodeTool
{
    /// <summary>Runs <c>node tests/node/&lt;script&gt; args...</c>; fails the test with its output unless it exits 0. Returns its standard output.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(TestEnvironment.NodeToolsDirectory, script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
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
