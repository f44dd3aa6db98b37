using System.Text.Json;

namespace Hookline.Tests;

/// <summary>What the machine offers the tests, and where the repository is.</summary>
internal static class TestEnvironment
{
    /// <summary>On CI a missing tool fails the test instead of skipping it.</summary>
    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string NodeToolsDirectory => Path.Combine(RepositoryRoot, "tests", "node");

    public static string SampleReceiverDirectory => Path.Combine(RepositoryRoot, "samples", "receiver");

    /// <summary>The TypeScript client's driver and its npm packages (openapi-typescript, openapi-fetch, TypeScript).</summary>
    public static string TypeScriptClientDirectory => Path.Combine(RepositoryRoot, "tests", "clients", "typescript");

    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool HasNodeTools =>
        Directory.Exists(Path.Combine(NodeToolsDirectory, "node_modules")) && Directory.Exists(Path.Combine(SampleReceiverDirectory, "node_modules"));

    public static bool HasChromium => File.Exists(ChromiumPath);

    public static bool HasTypeScriptClientTools => Directory.Exists(Path.Combine(TypeScriptClientDirectory, "node_modules"));

    /// <summary>Whether <c>dotnet tool restore</c> has put Kiota, at the tool manifest's version, in the NuGet packages folder.</summary>
    public static bool HasKiota
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, ".config", "dotnet-tools.json")));
            var version = manifest.RootElement.GetProperty("tools").GetProperty(KiotaPackage).GetProperty("version").GetString()!;
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                           ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Directory.Exists(Path.Combine(packages, KiotaPackage, version));
        }
    }

    private const string KiotaPackage = "microsoft.openapi.kiota";

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
