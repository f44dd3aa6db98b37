using System.CommandLine;
using Hookline.Cli.Generating;
using Spectre.Console;

namespace Hookline.Cli.Generate;

/// <summary>
/// <c>hookline generate --openapi &lt;file or URL&gt; --namespace &lt;ns&gt; --output &lt;dir&gt; [--name &lt;Name&gt;]</c>.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var openApi = new Option<string>("--openapi")
        {
            Description = "The OpenAPI document (3.0 with x-webhooks or 3.1 with webhooks; JSON or YAML): a file or an http(s) URL.",
            Required = true,
        };
        var @namespace = new Option<string>("--namespace") { Description = "The C# namespace of the generated code.", Required = true };
        var output = new Option<string>("--output") { Description = "The folder to write into (created if missing).", Required = true };
        var name = new Option<string?>("--name")
        {
            Description = "The receiver's name: I{Name}Webhooks and Map{Name}Webhooks. Default: from the document's title.",
        };
        var command = new Command("generate", "Generate C# records and a typed, verified ASP.NET Core receiver from a document's webhooks.")
        {
            openApi, @namespace, output, name,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var (model, files) = await ReceiverGenerator.GenerateAsync(
                result.GetValue(openApi)!,
                result.GetValue(@namespace)!,
                result.GetValue(output)!,
                result.GetValue(name),
                http,
                cancellationToken).ConfigureAwait(false);
            foreach (var warning in model.Warnings)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
            }

            foreach (var file in files.Written)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]wrote[/]   {file}");
            }

            foreach (var file in files.Removed)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]removed[/] {file}");
            }

            var summary = $"{model.Webhooks.Count} webhook(s), {model.Types.Count} type(s): {files.Written.Count} written, "
                + $"{files.Unchanged.Count} unchanged, {files.Removed.Count} removed. "
                + $"Map them with app.{model.MapMethodName}(\"/hooks\") and register an {model.InterfaceName}.";
            Console.WriteLine(summary);
            return 0;
        });
        return command;
    }
}
