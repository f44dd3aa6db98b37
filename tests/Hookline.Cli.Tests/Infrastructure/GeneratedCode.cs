using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hookline.Cli.Tests;

/// <summary>Compiles generated files in memory as a user's project would: nullable on, every warning an error, XML docs checked.</summary>
internal static class GeneratedCode
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))]);

    public static Assembly Compile(IEnumerable<string> sources)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        var compilation = CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s, options)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithWarningLevel(9999)
                .WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(result.Success && problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join('\n', problems));
        return Assembly.Load(image.ToArray());
    }

    public static Assembly CompileFolder(string folder) =>
        Compile(Directory.EnumerateFiles(folder, "*.cs").Order(StringComparer.Ordinal).Select(File.ReadAllText));
}
