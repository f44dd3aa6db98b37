namespace Hookline.Tests;

/// <summary>Every shipped project (src/*), packed once in Release into a folder of its own, as <c>dotnet pack</c> makes them.</summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "hookline-packaging-" + Guid.NewGuid().ToString("N"));

    public string Folder => Path.Combine(Directory, "packages");

    /// <summary>The shipped projects' names, which are their package ids.</summary>
    public IReadOnlyList<string> Ids { get; } =
        [.. System.IO.Directory.GetDirectories(Path.Combine(TestEnvironment.RepositoryRoot, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The version packed, read from the Hookline package's file name.</summary>
    public string Version => Path.GetFileNameWithoutExtension(System.IO.Directory.GetFiles(Folder, "Hookline.*.nupkg").Single(f => char.IsDigit(Path.GetFileName(f)["Hookline.".Length])))["Hookline.".Length..];

    public async Task InitializeAsync()
    {
        foreach (var id in Ids)
        {
            // Restored already by `dotnet test`; Release keeps the build apart from the Debug one under test.
            await DotnetProcess.RunAsync(
                TestEnvironment.RepositoryRoot,
                ["pack", Path.Combine("src", id, id + ".csproj"), "-c", "Release", "--no-restore", "-o", Folder],
                CommandTimeout);
        }
    }

    /// <summary>
    /// A new <c>dotnet new web</c> app, in <c>app</c> under a folder of its own (<paramref name="name"/>) whose NuGet settings take
    /// Hookline from the packed folder next to the machine's sources, with a package cache of their own (so no earlier packing of
    /// the same version is used).
    /// </summary>
    /// <returns>The folder, and the app's folder in it.</returns>
    public async Task<(string Root, string App)> CreateWebAppAsync(string name)
    {
        var root = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(root, "nuget-packages")}" /></config>
              <packageSources><add key="hookline" value="{Folder}" /></packageSources>
            </configuration>
            """);
        await DotnetProcess.RunAsync(root, ["new", "web", "-o", "app", "--no-restore"], CommandTimeout);
        return (root, Path.Combine(root, "app"));
    }

    /// <summary>
    /// Installs the <c>hookline</c> tool as <c>dotnet tool install --global</c> does, into a folder of its own under
    /// <paramref name="root"/> (a local tool would go through the machine's tool resolver cache, which outlives these temporary
    /// folders).
    /// </summary>
    /// <returns>Its <c>Hookline.Cli.dll</c>, to run as its launcher does: <c>dotnet Hookline.Cli.dll</c>.</returns>
    public async Task<string> InstallToolAsync(string root)
    {
        var tools = Path.Combine(root, "tools");
        await DotnetProcess.RunAsync(root, ["tool", "install", "Hookline.Cli", "--tool-path", tools, "--version", Version], CommandTimeout);
        return System.IO.Directory.EnumerateFiles(Path.Combine(tools, ".store"), "Hookline.Cli.dll", SearchOption.AllDirectories)
            .Single(f => f.Contains($"{Path.DirectorySeparatorChar}tools{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The tests that share one packing.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packages";
}
