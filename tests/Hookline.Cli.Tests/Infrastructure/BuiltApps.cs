namespace Hookline.Cli.Tests;

/// <summary>Where the built sample and CLI are: the same configuration as these tests (the project builds both).</summary>
internal static class BuiltApps
{
    private static readonly string Configuration =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string SampleFolder => Path.Combine(TestEnvironment.RepositoryRoot, "samples", "Subscriptions", "bin", Configuration, "net10.0");

    /// <summary>The hookline tool's entry assembly, run as <c>dotnet Hookline.Cli.dll ...</c>.</summary>
    public static string Cli => Path.Combine(TestEnvironment.RepositoryRoot, "src", "Hookline.Cli", "bin", Configuration, "net10.0", "Hookline.Cli.dll");
}
