namespace Hookline.Cli.Shared;

/// <summary>Parses the <c>--secret</c> options, saying what is wrong without repeating the secret.</summary>
internal static class CliSecrets
{
    public static WebhookSecret[] Parse(IEnumerable<string> secrets)
    {
        var parsed = new List<WebhookSecret>();
        foreach (var secret in secrets)
        {
            try
            {
                parsed.Add(WebhookSecret.Parse(secret));
            }
            catch (FormatException error)
            {
                throw new CliException($"--secret is not a valid webhook secret: {error.Message}");
            }
        }

        return parsed.Count > 0
            ? [.. parsed]
            : throw new CliException("--secret is required: the whsec_ secret the sender and the receiver share.");
    }
}
