using System.CommandLine;

namespace Hookline.Cli.Shared;

/// <summary>
/// The secrets and keys of <c>listen</c> and <c>send</c>: <c>whsec_</c> secrets (<c>--secret</c>), <c>whsk_</c> signing keys
/// (<c>--signing-key</c>) and <c>whpk_</c> public keys (<c>--public-key</c>). A secret or signing key <c>-</c> reads one line of
/// standard input (the secrets' lines first); without any of a command's options, they come from <c>HOOKLINE_SECRET</c> and,
/// for <c>send</c>, <c>HOOKLINE_SIGNING_KEY</c>. Standard input and the environment keep them out of <c>ps</c> and shell history.
/// Errors name the source, never the secret or key.
/// </summary>
internal static class CliKeys
{
    public const string SecretVariable = "HOOKLINE_SECRET";
    public const string SigningKeyVariable = "HOOKLINE_SIGNING_KEY";
    private const string StandardInput = "-";

    private static readonly Kind<WebhookSecret> s_secret = new("--secret", "webhook secret", "a secret line", WebhookSecret.Parse);
    private static readonly Kind<WebhookSigningKey> s_signingKey =
        new("--signing-key", "webhook signing key", "a signing key line", WebhookSigningKey.Parse);
    private static readonly Kind<WebhookPublicKey> s_publicKey = new("--public-key", "webhook public key", null, WebhookPublicKey.Parse);

    /// <summary>The <c>--secret</c> option; <paramref name="description"/> says what the secret is for.</summary>
    public static Option<string[]> SecretOption(string description) => new(s_secret.Option)
    {
        Description = $"{description} '-' reads it from a line of standard input. Default: the {SecretVariable} environment variable.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The <c>--signing-key</c> option; <paramref name="description"/> says what the key is for.</summary>
    public static Option<string[]> SigningKeyOption(string description) => new(s_signingKey.Option)
    {
        Description = $"{description} '-' reads it from a line of standard input (after the secrets'). "
            + $"Default: the {SigningKeyVariable} environment variable.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The <c>--public-key</c> option; <paramref name="description"/> says what the key is for.</summary>
    public static Option<string[]> PublicKeyOption(string description) => new(s_publicKey.Option)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>listen</c>'s secrets and public keys: at least one of either.</summary>
    public static (WebhookSecret[] Secrets, WebhookPublicKey[] PublicKeys) ForListen(
        IReadOnlyList<string> secrets, IReadOnlyList<string> publicKeys)
    {
        if (secrets.Count > 0 || publicKeys.Count > 0)
        {
            return (s_secret.Read(secrets), s_publicKey.Read(publicKeys));
        }

        return s_secret.FromEnvironment(SecretVariable) is { Length: > 0 } fromEnvironment
            ? (fromEnvironment, [])
            : throw new CliException(
                $"no secret or public key: pass --secret whsec_... (--secret - reads it from standard input; or set {SecretVariable}) "
                + "or --public-key whpk_...; what the sender gave you.");
    }

    /// <summary><c>send</c>'s secrets and signing keys: at least one of either.</summary>
    public static (WebhookSecret[] Secrets, WebhookSigningKey[] SigningKeys) ForSend(
        IReadOnlyList<string> secrets, IReadOnlyList<string> signingKeys)
    {
        if (secrets.Count > 0 || signingKeys.Count > 0)
        {
            // In this order, so that '-' lines of standard input go to the secrets first.
            var readSecrets = s_secret.Read(secrets);
            return (readSecrets, s_signingKey.Read(signingKeys));
        }

        var fromEnvironment = (s_secret.FromEnvironment(SecretVariable), s_signingKey.FromEnvironment(SigningKeyVariable));
        return fromEnvironment is ({ Length: 0 }, { Length: 0 })
            ? throw new CliException(
                "no secret or signing key: pass --secret whsec_... or --signing-key whsk_... ('-' reads one from standard input), "
                + $"or set {SecretVariable} or {SigningKeyVariable}: the whsec_ secret (v1) or whsk_ signing key (v1a) that signs.")
            : fromEnvironment;
    }

    /// <summary>
    /// One option's kind of value: how it is named in errors, how it is parsed, and what a <c>-</c> reads from standard input
    /// (<see langword="null"/> when <c>-</c> is not special: a public key is no secret).
    /// </summary>
    private sealed record Kind<T>(string Option, string Noun, string? StandardInputLine, Func<string, T> Parser)
    {
        public T[] Read(IReadOnlyList<string> values) =>
            [.. values.Select(value => value == StandardInput && StandardInputLine is { } line
                ? Parse(ReadStandardInput(line), $"{Option} - (standard input)")
                : Parse(value, Option))];

        public T[] FromEnvironment(string variable) =>
            Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value) ? [Parse(value, variable)] : [];

        private string ReadStandardInput(string line) =>
            Console.In.ReadLine() ?? throw new CliException($"{Option} -: standard input ended before {line}.");

        private T Parse(string value, string source)
        {
            try
            {
                // Trimmed: a line read or a variable set from a file often ends with a carriage return or a space.
                return Parser(value.Trim());
            }
            catch (FormatException error)
            {
                throw new CliException($"{source} is not a valid {Noun}: {error.Message}");
            }
        }
    }
}
