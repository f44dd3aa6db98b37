namespace Hookline.Tests.Management;

/// <summary>
/// Clients generated from the OpenAPI document the sample serves, as the API's users make them, driving the management API on a
/// real Kestrel server on loopback: a C# one (Kiota) built with warnings as errors, and a TypeScript one (openapi-typescript's
/// types, openapi-fetch's calls) compiled with <c>tsc --strict</c>. The hand-written drivers in tests/clients check every answer
/// and exit non-zero with what differed; the generated code lives in a temporary folder only.
/// </summary>
public sealed class GeneratedClientsTests
{
    private const string Succeeded = "every call answered as documented";

    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromMinutes(3);

    [RequiresFact(Requirement.Kiota)]
    public async Task KiotaClient_FromTheServedDocument_DrivesTheManagementApi()
    {
        await using var target = await Target.StartAsync();
        var client = Path.Combine(target.Folder, "client");
        var artifacts = Path.Combine(target.Folder, "artifacts");

        // The local tool of .config/dotnet-tools.json, kept off the network: no update check, no telemetry.
        var generated = await DotnetProcess.RunAsync(
            TestEnvironment.RepositoryRoot,
            [
                "kiota", "generate", "--language", "CSharp", "--openapi", target.Document, "--output", client,
                "--class-name", "ManagementClient", "--namespace-name", "Hookline.Clients.Kiota", "--exclude-backward-compatible",
                "--log-level", "Warning",
            ],
            s_toolTimeout,
            new Dictionary<string, string>
            {
                ["KIOTA_OFFLINE_ENABLED"] = "true",
                ["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true",
                ["KIOTA_TUTORIAL_ENABLED"] = "false",
                ["KIOTA_CONSOLE_COLORS_ENABLED"] = "false",
            });
        Assert.False(generated.Contains("warn:", StringComparison.Ordinal), $"Kiota warned about the document:\n{generated}");
        var project = Path.Combine("tests", "clients", "kiota", "KiotaDriver.csproj");
        await DotnetProcess.RunAsync(
            TestEnvironment.RepositoryRoot,
            ["build", project, $"-p:GeneratedClient={client}", "--artifacts-path", artifacts],
            s_toolTimeout);
        var driver = Path.Combine(artifacts, "bin", "KiotaDriver", "debug", "KiotaDriver.dll");
        var output = await DotnetProcess.RunAsync(target.Folder, [driver, .. target.DriverArguments], s_toolTimeout);

        Assert.Contains(Succeeded, output, StringComparison.Ordinal);
    }

    [RequiresFact(Requirement.TypeScriptClient)]
    public async Task TypeScriptClient_FromTheServedDocument_DrivesTheManagementApi()
    {
        await using var target = await Target.StartAsync();
        var tools = TestEnvironment.TypeScriptClientDirectory;
        foreach (var file in new[] { "drive.ts", "tsconfig.json", "package.json" })
        {
            File.Copy(Path.Combine(tools, file), Path.Combine(target.Folder, file));
        }

        Directory.CreateSymbolicLink(Path.Combine(target.Folder, "node_modules"), Path.Combine(tools, "node_modules"));

        await NodeTool.RunInAsync(
            target.Folder, "node_modules/openapi-typescript/bin/cli.js", [target.Document, "--output", "management.ts"], s_toolTimeout);
        // Type-checked strictly first; then only written out as JavaScript (out/drive.js), since Node 20 runs no TypeScript.
        var tsc = "node_modules/typescript/bin/tsc";
        await NodeTool.RunInAsync(target.Folder, tsc, ["--project", ".", "--strict", "--noEmit"], s_toolTimeout);
        await NodeTool.RunInAsync(target.Folder, tsc, ["--project", ".", "--noCheck"], s_toolTimeout);
        var output = await NodeTool.RunInAsync(target.Folder, "out/drive.js", target.DriverArguments, s_toolTimeout);

        Assert.Contains(Succeeded, output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A fresh sample on loopback Kestrel in Development (alice's and bob's API keys), a receiver for its deliveries, and a
    /// temporary folder holding the document the sample serves; all gone on dispose.
    /// </summary>
    private sealed class Target : IAsyncDisposable
    {
        private readonly SampleFactory _sample;
        private readonly TestReceiver _receiver;

        private Target(SampleFactory sample, TestReceiver receiver, string folder, string baseUrl)
        {
            _sample = sample;
            _receiver = receiver;
            Folder = folder;
            DriverArguments = [baseUrl, receiver.Url, SampleFactory.AliceKey, SampleFactory.BobKey];
        }

        public string Folder { get; }

        /// <summary>The served document, as a file in <see cref="Folder"/>.</summary>
        public string Document => Path.Combine(Folder, "openapi.json");

        /// <summary>What the drivers take: the API's base URL, where endpoints send to, alice's and bob's API keys.</summary>
        public string[] DriverArguments { get; }

        public static async Task<Target> StartAsync()
        {
            var receiver = await TestReceiver.StartAsync();
            var sample = SampleFactory.Development();
            using var client = sample.Client(null);
            var baseUrl = client.BaseAddress!.ToString().TrimEnd('/');
            var target = new Target(sample, receiver, Directory.CreateTempSubdirectory("hookline-clients-").FullName, baseUrl);
            try
            {
                await File.WriteAllTextAsync(target.Document, await client.GetStringAsync("/openapi/v1.json"));
                return target;
            }
            catch
            {
                await target.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _sample.DisposeAsync();
            await _receiver.DisposeAsync();
            var modules = new DirectoryInfo(Path.Combine(Folder, "node_modules"));
            if (modules.LinkTarget is not null)
            {
                modules.Delete(); // The link only, before the folder: never what it points to.
            }

            Directory.Delete(Folder, recursive: true);
        }
    }
}
