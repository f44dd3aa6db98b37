namespace Hookline.Cli.Tests;

/// <summary>The built <c>hookline</c> tool run as a real process: <c>dotnet Hookline.Cli.dll ...</c>.</summary>
internal static class Cli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static DotnetProcess Start(params string[] arguments) =>
        DotnetProcess.Start(Path.GetTempPath(), [BuiltApps.Cli, .. arguments], new Dictionary<string, string> { ["NO_COLOR"] = "1" });

    /// <summary>Runs it to the end: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        await using var process = Start(arguments);
        var exitCode = await process.WaitForExitAsync(Timeout);
        return (exitCode, process.Output);
    }
}
