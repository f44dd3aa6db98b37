using System.CommandLine;
using Hookline.Cli.Generate;
using Hookline.Cli.Generating;
using Hookline.Cli.Listen;
using Hookline.Cli.Poll;
using Hookline.Cli.Send;
using Hookline.Cli.Shared;

namespace Hookline.Cli;

/// <summary>The <c>hookline</c> command: <c>generate</c>, <c>listen</c>, <c>poll</c> and <c>send</c>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // A command named as the tool is installed, not a RootCommand: that one takes its name from the assembly (Hookline.Cli).
        var root = new Command(
            "hookline",
            "Receive webhooks: generate typed receivers from OpenAPI documents, listen for deliveries, follow a polling endpoint's "
            + "feed, send signed ones.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
            GenerateCommand.Create(),
            ListenCommand.Create(),
            PollCommand.Create(),
            SendCommand.Create(),
        };

        if (Console.IsOutputRedirected)
        {
            // Piped or captured: one delivery's line stays one line.
            Spectre.Console.AnsiConsole.Console.Profile.Width = 4096;
        }

        try
        {
            // Exceptions reach the catch below: known failures become one line, anything else keeps its stack trace (a bug).
            // No response files: --data @file is the command's own, the body read from that file.
            var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception error) when (error is GenerationException or CliException)
        {
            // Messages quote what they are about: a URL's error, a file name, a document's text.
            await Console.Error.WriteLineAsync($"hookline: {TerminalText.Escape(error.Message)}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }
}
