namespace Hookline.Tests;

/// <summary>What the machine offers the tests, and where the repository is.</summary>
internal static class TestEnvironment
{
    /// <summary>On CI a missing tool fails the test instead of skipping it.</summary>
    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string NodeToolsDirectory => Path.Combine(RepositoryRoot, "tests", "node");

    public static string SampleReceiverDirectory => Path.Combine(RepositoryRoot, "samples", "receiver");

    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool HasNodeTools =>
        Directory.Exists(Path.Combine(NodeToolsDirectory, "node_modules")) && Directory.Exists(Path.Combine(SampleReceiverDirectory, "node_modules"));

    public static bool HasChromium => File.Exists(ChromiumPath);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hookline.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Hookline.slnx above {AppContext.BaseDirectory}.");
    }
}
