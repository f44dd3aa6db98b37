using System.ComponentModel.DataAnnotations;

namespace Hookline.Receiving;

/// <summary>
/// Every entry is a well-formed key of its kind: a <c>whsec_</c> secret or a <c>whpk_</c> public key. The error says which entry
/// and how, never what it is.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WebhookKeysAttribute(WebhookKeysAttribute.Kind kind) : ValidationAttribute
{
    /// <summary>What the entries are.</summary>
    public enum Kind
    {
        Secret,
        PublicKey,
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not IEnumerable<string?> keys)
        {
            return ValidationResult.Success;
        }

        var member = validationContext.MemberName ?? kind.ToString();
        var index = 0;
        foreach (var key in keys)
        {
            try
            {
                _ = kind == Kind.Secret ? (object)WebhookSecret.Parse(key ?? "") : WebhookPublicKey.Parse(key ?? "");
            }
            catch (FormatException error)
            {
                return new ValidationResult($"{member}[{index}] is malformed: {error.Message}", [member]);
            }

            index++;
        }

        return ValidationResult.Success;
    }
}
