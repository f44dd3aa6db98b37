namespace Hookline.Cli.Tests;

/// <summary>The built <c>hookline</c> tool run as a real process: <c>dotnet Hookline.Cli.dll ...</c>.</summary>
internal static class Cli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static DotnetProcess Start(params string[] arguments) => StartWith(environment: null, standardInput: null, arguments);

    /// <summary>Starts it with these environment variables and, when given, this text on its standard input.</summary>
    public static DotnetProcess StartWith(
        IReadOnlyDictionary<string, string>? environment, string? standardInput, params string[] arguments)
    {
        // Empty counts as unset: a HOOKLINE_SECRET or HOOKLINE_SIGNING_KEY of whoever runs the tests must not stand in for a missing one.
        var variables = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["HOOKLINE_SECRET"] = "", ["HOOKLINE_SIGNING_KEY"] = "" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return DotnetProcess.Start(Path.GetTempPath(), [BuiltApps.Cli, .. arguments], variables, standardInput);
    }

    /// <summary>Runs it to the end: its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        RunWithAsync(environment: null, standardInput: null, arguments);

    /// <summary>Runs it to the end with these environment variables and standard input: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunWithAsync(
        IReadOnlyDictionary<string, string>? environment, string? standardInput, params string[] arguments)
    {
        await using var process = StartWith(environment, standardInput, arguments);
        var exitCode = await process.WaitForExitAsync(Timeout);
        return (exitCode, process.Output);
    }
}
