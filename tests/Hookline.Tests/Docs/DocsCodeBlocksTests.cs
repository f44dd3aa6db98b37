using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hookline.Tests.Docs;

/// <summary>
/// Every <c>```csharp</c> block of README.md and docs/*.md compiles against Hookline's assemblies and their packages, as a
/// <c>Program.cs</c> of a <c>dotnet new web</c> app would (the Web SDK's implicit global usings, nullable on).
/// <list type="bullet">
/// <item>A block that makes its own app (it calls <c>WebApplication.CreateBuilder(</c>) is a whole <c>Program.cs</c>, compiled
/// alone.</item>
/// <item>Any other block is a part of one, compiled after <see cref="PreludeStatements"/> (<c>builder</c> and <c>app</c>, with
/// <c>using Hookline;</c>) and beside <see cref="PreludeTypes"/> (the <c>Subscription</c> record the pages publish). Its leading
/// <c>using</c> directives go first, as in a file.</item>
/// <item>A block right after a line <c>&lt;!-- not compiled: reason --&gt;</c> is left out, for that reason.</item>
/// <item>README's Install and Quick start blocks are left out: the packaging tests build and run them in a new app.</item>
/// </list>
/// Errors and warnings fail the block, with the page and line of each (the code is mapped to its page with <c>#line</c>).
/// </summary>
public sealed class DocsCodeBlocksTests
{
    /// <summary>What a block that is part of a Program.cs comes after.</summary>
    public const string PreludeStatements = """
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        """;

    /// <summary>What a block that is part of a Program.cs is compiled beside.</summary>
    public const string PreludeTypes = """
        public sealed record Subscription(string Username, decimal MonthlyFee, DateTimeOffset StartDate);
        """;

    // The Web SDK's implicit usings (Microsoft.NET.Sdk.Web with ImplicitUsings enabled), as a new web app has them.
    private const string WebSdkGlobalUsings = """
        global using global::Microsoft.AspNetCore.Builder;
        global using global::Microsoft.AspNetCore.Hosting;
        global using global::Microsoft.AspNetCore.Http;
        global using global::Microsoft.AspNetCore.Routing;
        global using global::Microsoft.Extensions.Configuration;
        global using global::Microsoft.Extensions.DependencyInjection;
        global using global::Microsoft.Extensions.Hosting;
        global using global::Microsoft.Extensions.Logging;
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Net.Http.Json;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    // Warnings a user's build does not show either: assembly version unification (the SDK's NoWarn), and a part of a Program.cs
    // that declares a function for the reader without calling it.
    private static readonly string[] s_ignored = ["CS1701", "CS1702", "CS8321"];

    // This test assembly and the sample are not what a user's app references (the sample declares its own Subscription).
    private static readonly string[] s_notReferenced = ["Hookline.Tests", "Subscriptions"];

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => !s_notReferenced.Contains(Path.GetFileNameWithoutExtension(path)))
            .Select(path => MetadataReference.CreateFromFile(path))]);

    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);

    public static TheoryData<string, int> CompiledBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in DocsCodeBlock.All.Where(b => b.NotCompiled is null))
        {
            data.Add(block.Page, block.Line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CompiledBlocks))]
    public void CodeBlock_Compiles(string page, int line)
    {
        var block = DocsCodeBlock.All.Single(b => b.Page == page && b.Line == line);
        var makesItsOwnApp = block.Code.Contains("WebApplication.CreateBuilder(", StringComparison.Ordinal);
        List<SyntaxTree> trees = [Parse(WebSdkGlobalUsings, "GlobalUsings.g.cs")];
        if (makesItsOwnApp)
        {
            trees.Add(Parse($"#line {block.Line} \"{block.Page}\"\n{block.Code}\n", block.Page));
        }
        else
        {
            trees.Add(Parse(InPrelude(block), block.Page));
            trees.Add(Parse(PreludeTypes, "Prelude.cs"));
        }

        var compilation = CSharpCompilation.Create(
            "DocsBlock",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable)
                .WithWarningLevel(9999));
        var problems = compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !s_ignored.Contains(d.Id))
            .Select(d => d.ToString())
            .ToList();

        Assert.True(
            problems.Count == 0,
            $"The C# block at {block.Page} line {block.Line} ({(makesItsOwnApp ? "a whole Program.cs" : "a part of a Program.cs")}) "
            + $"does not compile:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Pages_HaveBlocksToCompile_AndSayWhyAnyIsNot()
    {
        Assert.Contains("docs/delivering.md", DocsCodeBlock.Pages);
        Assert.True(CompiledBlocks().Count() >= 20, $"Only {CompiledBlocks().Count()} C# blocks found to compile.");
        Assert.All(DocsCodeBlock.All.Where(b => b.NotCompiled is not null), b => Assert.False(
            string.IsNullOrWhiteSpace(b.NotCompiled), $"{b.Page}({b.Line}): '<!-- not compiled: -->' needs a reason."));
        Assert.All(DocsCodeBlock.Pages, page => Assert.True(
            !DocsCodeBlock.OtherCSharpFences(page).Any(),
            $"{page} lines {string.Join(", ", DocsCodeBlock.OtherCSharpFences(page))}: "
            + "C# blocks are fenced ```csharp, which this test compiles."));
    }

    [Fact]
    public void CodeBlocks_KeepCSharpLinesWithin140Characters()
    {
        var tooLong = DocsCodeBlock.All
            .SelectMany(b => b.Code.Split('\n').Select((text, index) => (b.Page, Line: b.Line + index, text.Length)))
            .Where(l => l.Length > 140)
            .Select(l => $"{l.Page}({l.Line}): {l.Length} characters")
            .ToList();

        Assert.True(tooLong.Count == 0, "C# lines over 140 characters:\n" + string.Join('\n', tooLong));
    }

    /// <summary>A part of a Program.cs in its prelude: its leading usings, <c>using Hookline;</c>, the prelude, then the rest.</summary>
    private static string InPrelude(DocsCodeBlock block)
    {
        var lines = block.Code.Split('\n');
        var usings = lines.TakeWhile(l => l.Length == 0 || l.StartsWith("//", StringComparison.Ordinal) || IsUsingDirective(l)).Count();
        var text = new StringBuilder()
            .Append($"#line {block.Line} \"{block.Page}\"\n")
            .AppendJoin('\n', lines[..usings]).Append('\n')
            .Append("#line hidden\n")
            .Append(lines[..usings].Any(l => l.Trim() == "using Hookline;") ? "" : "using Hookline;\n")
            .Append(PreludeStatements).Append('\n')
            .Append($"#line {block.Line + usings} \"{block.Page}\"\n")
            .AppendJoin('\n', lines[usings..]).Append('\n');
        return text.ToString();
    }

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(';')
        && !line.StartsWith("using var ", StringComparison.Ordinal) && !line.Contains('(', StringComparison.Ordinal);

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, s_parse, path, Encoding.UTF8);
}
