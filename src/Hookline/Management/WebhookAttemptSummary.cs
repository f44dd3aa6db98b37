namespace Hookline.Management;

/// <summary>An endpoint's attempts over a time: how many succeeded and failed, and the last failure.</summary>
public sealed record WebhookAttemptSummary
{
    /// <summary>Attempts answered 2xx.</summary>
    public required int Succeeded { get; init; }

    /// <summary>Attempts that failed: any other answer, or none.</summary>
    public required int Failed { get; init; }

    /// <summary>The share of attempts that succeeded, from 0 to 1; <see langword="null"/> when there were none.</summary>
    public double? SuccessRate { get; init; }

    /// <summary>The latest failed attempt, if any failed.</summary>
    public WebhookAttemptFailure? LastFailure { get; init; }
}
