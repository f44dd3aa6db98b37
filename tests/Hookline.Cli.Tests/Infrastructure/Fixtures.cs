using Hookline.Cli.Generating;

namespace Hookline.Cli.Tests;

/// <summary>The hand-written documents in <c>Fixtures/</c>, and temporary output folders.</summary>
internal static class Fixtures
{
    /// <summary>FastAPI's webhook tutorial (docs_src/openapi_webhooks/tutorial001.py) as FastAPI serves it: OpenAPI 3.1 <c>webhooks</c>.</summary>
    public static string FastApiPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fastapi-webhooks.json");

    /// <summary>An OpenAPI 3.0 document with <c>x-webhooks</c> and every kind of schema the generator maps.</summary>
    public static string ShopPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "shop-x-webhooks.json");

    /// <summary>Real providers' documents, copied as published: <c>Fixtures/Corpus/SOURCES.md</c> says from where, and their licences.</summary>
    public static string CorpusFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Corpus");

    public static WebhookDocument Load(string path) => WebhookDocumentLoader.Parse(File.ReadAllText(path), path);

    public static TempFolder NewFolder() => new();
}

/// <summary>A folder under the temporary directory, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } =
        Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hookline-gen-{Guid.NewGuid():N}")).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
