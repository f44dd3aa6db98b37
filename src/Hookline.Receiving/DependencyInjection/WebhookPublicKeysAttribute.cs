using System.ComponentModel.DataAnnotations;

namespace Hookline.Receiving;

/// <summary>Every entry is a well-formed <c>whpk_</c> public key. The error says which entry and how.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WebhookPublicKeysAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not IEnumerable<string?> publicKeys)
        {
            return ValidationResult.Success;
        }

        var index = 0;
        foreach (var publicKey in publicKeys)
        {
            try
            {
                WebhookPublicKey.Parse(publicKey ?? "");
            }
            catch (FormatException error)
            {
                return new ValidationResult(
                    $"PublicKeys[{index}] is malformed: {error.Message}", [validationContext.MemberName ?? "PublicKeys"]);
            }

            index++;
        }

        return ValidationResult.Success;
    }
}
