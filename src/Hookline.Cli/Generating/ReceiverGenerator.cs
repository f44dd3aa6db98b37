using System.Text.RegularExpressions;

namespace Hookline.Cli.Generating;

/// <summary>The generator, without the command line: a document in, C# files out.</summary>
internal static partial class ReceiverGenerator
{
    /// <summary>The C# files for a document's webhooks, by file name.</summary>
    /// <exception cref="GenerationException">The namespace is no C# namespace, or no webhook can be received.</exception>
    public static (ReceiverModel Model, SortedDictionary<string, string> Files) Emit(
        WebhookDocument document, string @namespace, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (!Namespace().IsMatch(@namespace))
        {
            throw new GenerationException($"'{@namespace}' is not a C# namespace: dot-separated identifiers of letters, digits and _.");
        }

        var model = ReceiverModelBuilder.Build(document, name);
        return (model, CSharpEmitter.Emit(model, @namespace));
    }

    /// <summary>
    /// Reads the document at <paramref name="source"/> (a file or an http(s) URL) and writes its receiver into <paramref name="output"/>.
    /// </summary>
    /// <exception cref="GenerationException">What stops it, in one line.</exception>
    public static async Task<(ReceiverModel Model, GeneratedFiles Files)> GenerateAsync(
        string source, string @namespace, string output, string? name, HttpClient http, CancellationToken cancellationToken)
    {
        var document = await WebhookDocumentLoader.LoadAsync(source, http, cancellationToken).ConfigureAwait(false);
        var (model, files) = Emit(document, @namespace, name);
        return (model, GeneratedFiles.Write(output, files));
    }

    [GeneratedRegex(@"^@?[A-Za-z_][A-Za-z0-9_]*(\.@?[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex Namespace();
}
