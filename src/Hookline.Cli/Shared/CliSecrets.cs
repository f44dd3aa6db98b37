using System.CommandLine;

namespace Hookline.Cli.Shared;

/// <summary>
/// The secrets of <c>listen</c> and <c>send</c>: from <c>--secret</c> (each <c>--secret -</c> reads one line of standard input), else
/// from <c>HOOKLINE_SECRET</c>. The last two keep the secret out of <c>ps</c> and shell history. Errors name the source, never the secret.
/// </summary>
internal static class CliSecrets
{
    public const string EnvironmentVariable = "HOOKLINE_SECRET";
    private const string StandardInput = "-";

    /// <summary>The <c>--secret</c> option; <paramref name="description"/> says what the secret is for.</summary>
    public static Option<string[]> CreateOption(string description) => new("--secret")
    {
        Description = $"{description} '-' reads it from a line of standard input. Default: the {EnvironmentVariable} environment variable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static WebhookSecret[] Read(IReadOnlyList<string> options)
    {
        if (options.Count > 0)
        {
            return [.. options.Select(option => option == StandardInput
                ? Parse(ReadStandardInput(), "--secret - (standard input)")
                : Parse(option, "--secret"))];
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment)
            ? throw new CliException(
                $"no secret: pass --secret whsec_..., --secret - to read it from standard input, or set {EnvironmentVariable}; "
                + "the whsec_ secret the sender and the receiver share.")
            : [Parse(fromEnvironment, EnvironmentVariable)];
    }

    private static string ReadStandardInput() =>
        Console.In.ReadLine() ?? throw new CliException("--secret -: standard input ended before a secret line.");

    private static WebhookSecret Parse(string secret, string source)
    {
        try
        {
            // Trimmed: a line read or a variable set from a file often ends with a carriage return or a space.
            return WebhookSecret.Parse(secret.Trim());
        }
        catch (FormatException error)
        {
            throw new CliException($"{source} is not a valid webhook secret: {error.Message}");
        }
    }
}
