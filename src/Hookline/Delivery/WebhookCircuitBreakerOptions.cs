using System.ComponentModel.DataAnnotations;

namespace Hookline;

/// <summary>
/// The circuit breaker every endpoint has, so that slow and dead endpoints cost little. An endpoint whose latest attempt
/// succeeded takes up to <see cref="WebhookDeliveryOptions.MaxConcurrencyPerEndpoint"/> attempts at once; a new endpoint, and
/// one whose latest attempt failed, takes one at a time. After <see cref="FailureThreshold"/> failures in a row its circuit
/// opens: none of its deliveries is attempted for <see cref="BreakDuration"/>, then one is (the probe). A success closes
/// the circuit; a failure opens it again for as long as the endpoint has been failing (about twice as long each time), up to
/// <see cref="MaxBreakDuration"/>. Deliveries waiting for an open circuit keep their place and their attempts.
/// </summary>
public sealed class WebhookCircuitBreakerOptions : IValidatableObject
{
    /// <summary>How many failed attempts in a row, since the endpoint's latest success, open its circuit.</summary>
    /// <value>5. At least 1.</value>
    [OptionRange(1, int.MaxValue, ErrorMessage = "Webhooks:Delivery:CircuitBreaker:FailureThreshold must be positive.")]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long the circuit stays open the first time, at least.</summary>
    /// <value>30 seconds. Positive, and at most <see cref="MaxBreakDuration"/>.</value>
    [OptionRange(typeof(TimeSpan), "00:00:00", OptionRangeAttribute.MaxTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Webhooks:Delivery:CircuitBreaker:BreakDuration must be positive.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the circuit stays open between two probes.</summary>
    /// <value>10 minutes. At least <see cref="BreakDuration"/>.</value>
    public TimeSpan MaxBreakDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The rule data annotations cannot state, checked with them at start: the first break is the shortest.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxBreakDuration < BreakDuration)
        {
            yield return new ValidationResult(
                "Webhooks:Delivery:CircuitBreaker:BreakDuration must be at most MaxBreakDuration; "
                + $"they are {BreakDuration} and {MaxBreakDuration}.");
        }
    }
}
