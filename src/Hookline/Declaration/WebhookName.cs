using System.Text;

namespace Hookline;

/// <summary>Rules for webhook names and the OpenAPI names derived from them.</summary>
internal static class WebhookName
{
    public const int MaxLength = 128;

    private const string AllowedPunctuation = ".-_:";

    /// <summary>
    /// Throws unless <paramref name="name"/> is 1-128 letters, digits and <c>. - _ :</c>, starting with a letter or digit.
    /// </summary>
    public static void Validate(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException(
                "A webhook name must not be empty or whitespace. Use the event name, e.g. \"new-subscription\".", nameof(name));
        }

        if (name.Length > MaxLength)
        {
            throw new ArgumentException(
                $"Webhook name '{name[..32]}...' is {name.Length} characters long; use at most {MaxLength}.", nameof(name));
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || AllowedPunctuation.Contains(c)))
        {
            throw new ArgumentException(
                $"Webhook name '{name}' is not valid: use ASCII letters, digits and '.', '-', '_', ':', starting with a letter or digit "
                + "(e.g. \"new-subscription\" or \"invoice.paid\").",
                nameof(name));
        }
    }

    /// <summary>The words of a name: split at punctuation and at lower-to-upper case changes.</summary>
    public static IEnumerable<string> Words(string name)
    {
        var word = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var startsWord = char.IsAsciiLetterUpper(c) && i > 0 && char.IsAsciiLetterLower(name[i - 1]);
            if ((!char.IsAsciiLetterOrDigit(c) || startsWord) && word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>FastAPI's default summary: <c>new-subscription</c> becomes <c>New Subscription</c>.</summary>
    public static string ToSummary(string name) => string.Join(' ', Words(name).Select(Capitalize));

    /// <summary>The default operation id: <c>new-subscription</c> sent with POST becomes <c>newSubscriptionPost</c>.</summary>
    public static string ToOperationId(string name, string method)
    {
        var words = Words(name).ToList();
        var first = words[0].ToLowerInvariant();
        return first + string.Concat(words.Skip(1).Select(Capitalize)) + Capitalize(method.ToLowerInvariant());
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
