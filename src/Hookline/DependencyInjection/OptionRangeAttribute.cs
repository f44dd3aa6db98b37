using System.ComponentModel.DataAnnotations;

namespace Hookline;

/// <summary>
/// <see cref="RangeAttribute"/> whose message is its <see cref="ValidationAttribute.ErrorMessage"/>, which names the option as
/// configuration spells it (<c>Webhooks:Delivery:Timeout</c>). The options validator generator swaps <c>[Range]</c> for a copy
/// of its own that ignores <c>ErrorMessage</c> (dotnet/runtime#123137, open in .NET 10) and keeps a subclass as it is: use
/// <c>[Range]</c> again once that is fixed. Limits are read in the invariant culture. Hookline.Receiving, which does not reference
/// Hookline, compiles this file too.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OptionRangeAttribute : RangeAttribute
{
    /// <summary><see cref="TimeSpan.MaxValue"/>, as a limit of a <see cref="TimeSpan"/> range: no upper bound.</summary>
    public const string MaxTimeSpan = "10675199.02:48:05.4775807";

    public OptionRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public OptionRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

    public OptionRangeAttribute(Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
        ParseLimitsInInvariantCulture = true;
        ConvertValueInInvariantCulture = true;
    }
}
