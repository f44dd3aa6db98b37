using System.Diagnostics;

namespace Hookline.Tests;

/// <summary>Runs the independent OpenAPI validator (npm <c>@seriousme/openapi-schema-validator</c>) on a document.</summary>
internal static class OpenApiValidator
{
    /// <summary>Asserts that <paramref name="documentJson"/> is valid against the official OpenAPI JSON Schema of its version and that every <c>$ref</c> resolves.</summary>
    public static async Task AssertValidAsync(string documentJson, string expectedVersion)
    {
        var file = Path.Combine(Path.GetTempPath(), $"hookline-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, documentJson);
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(TestEnvironment.NodeToolsDirectory, "validate-openapi.mjs"), file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, $"The OpenAPI validator refused the document:\n{await errors}\n{await output}");
            Assert.Equal($"valid OpenAPI {expectedVersion}", (await output).Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
