using System.ComponentModel.DataAnnotations;

namespace Hookline.Receiving;

/// <summary>Every entry is a well-formed <c>whsec_</c> secret. The error says which entry and how, never what it is.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WebhookSecretsAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not IEnumerable<string?> secrets)
        {
            return ValidationResult.Success;
        }

        var index = 0;
        foreach (var secret in secrets)
        {
            try
            {
                WebhookSecret.Parse(secret ?? "");
            }
            catch (FormatException error)
            {
                return new ValidationResult($"Secrets[{index}] is malformed: {error.Message}", [validationContext.MemberName ?? "Secrets"]);
            }

            index++;
        }

        return ValidationResult.Success;
    }
}
