using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace Hookline.Tests;

/// <summary>What NuGet users expect of each package: metadata, docs, symbols with SourceLink, and dependencies that fit.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageMetadataTests(PackedPackages packages)
{
    [Fact]
    public void Pack_EveryShippedProject_CarriesTheMetadataNuGetUsersExpect()
    {
        Assert.Equal(
            [
                "Hookline", "Hookline.ApiDocs", "Hookline.Cli", "Hookline.Dashboard", "Hookline.PostgreSql", "Hookline.Receiving",
                "Hookline.Sqlite", "Hookline.StandardWebhooks",
            ],
            packages.Ids);
        foreach (var id in packages.Ids)
        {
            using var package = Open(id, "nupkg");
            var metadata = Nuspec(package);
            string Field(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value ?? "";

            Assert.Equal(id, Field("id"));
            Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id}: no description");
            Assert.False(string.IsNullOrWhiteSpace(Field("authors")), $"{id}: no authors");
            Assert.Equal("MIT", Field("license"));
            Assert.Contains("webhooks", Field("tags").Split(' '));
            var repository = metadata.Element(metadata.Name.Namespace + "repository");
            Assert.NotNull(repository);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
            Assert.NotNull(package.GetEntry(Field("readme")));
            // The CLI is a .NET tool: its assemblies are under tools/, not lib/.
            var assets = id == "Hookline.Cli" ? "tools/net10.0/any" : "lib/net10.0";
            Assert.NotNull(package.GetEntry($"{assets}/{id}.dll"));
            Assert.NotNull(package.GetEntry($"{assets}/{id}.xml"));

            using var symbols = Open(id, "snupkg");
            var pdb = symbols.GetEntry($"{assets}/{id}.pdb");
            Assert.NotNull(pdb);
            using var reader = new StreamReader(pdb.Open(), Encoding.Latin1);
            Assert.Contains("{\"documents\":", reader.ReadToEnd(), StringComparison.Ordinal); // SourceLink's map, in the PDB.
        }
    }

    [Fact]
    public void Pack_Dependencies_CarryWhatTheAppNeedsAndNoMore()
    {
        var hookline = Dependencies("Hookline");
        // The OpenAPI generator and its interceptor settings reach the app through Hookline: every asset, none excluded.
        var openApi = Assert.Single(hookline, d => d.Id == "Microsoft.AspNetCore.OpenApi");
        Assert.Null(openApi.Exclude);
        Assert.DoesNotContain(hookline, d => d.Id.StartsWith("Swashbuckle", StringComparison.Ordinal));

        Assert.Contains(Dependencies("Hookline.Sqlite"), d => d.Id == "Hookline");
        // Signing is one standalone package: Hookline uses it, and it needs nothing beyond the BCL but Ed25519 (v1a), which .NET
        // does not have.
        Assert.Contains(hookline, d => d.Id == "Hookline.StandardWebhooks");
        Assert.Equal(["NSec.Cryptography"], Dependencies("Hookline.StandardWebhooks").Select(d => d.Id));
        Assert.Contains(Dependencies("Hookline.ApiDocs"), d => d.Id == "Swashbuckle.AspNetCore.SwaggerUI");
        // The dashboard's page is in the package itself (Preact and htm vendored): it needs Hookline and nothing of its own.
        Assert.Equal(["Hookline"], Dependencies("Hookline.Dashboard").Select(d => d.Id).Except(hookline.Select(d => d.Id)));
        // Receiving verifies with the same standalone package and does not pull in the sending side.
        var receiving = Dependencies("Hookline.Receiving");
        Assert.Contains(receiving, d => d.Id == "Hookline.StandardWebhooks");
        Assert.Contains(receiving, d => d.Id == "Microsoft.Extensions.Caching.Hybrid");
        Assert.DoesNotContain(receiving, d => d.Id == "Hookline");
        // The tool carries what it runs with, the same signing package among it, and asks nothing of the app.
        Assert.Empty(Dependencies("Hookline.Cli"));
        using var cli = Open("Hookline.Cli", "nupkg");
        Assert.NotNull(cli.GetEntry("tools/net10.0/any/Hookline.StandardWebhooks.dll"));
        Assert.NotNull(cli.GetEntry("tools/net10.0/any/NSec.Cryptography.dll"));
        Assert.NotNull(cli.GetEntry("tools/net10.0/any/runtimes/linux-x64/native/libsodium.so"));
    }

    private List<(string Id, string? Exclude)> Dependencies(string id)
    {
        using var package = Open(id, "nupkg");
        return [.. Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (e.Attribute("id")!.Value, e.Attribute("exclude")?.Value))];
    }

    private ZipArchive Open(string id, string extension) => ZipFile.OpenRead(Path.Combine(packages.Folder, $"{id}.{packages.Version}.{extension}"));

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }
}
