namespace Hookline.Management;

/// <summary>How many attempts at an endpoint succeeded and failed in an hour or a day.</summary>
/// <param name="Start">When the hour or day (UTC) starts.</param>
/// <param name="Succeeded">Attempts answered 2xx.</param>
/// <param name="Failed">Attempts that failed: any other answer, or none.</param>
public sealed record WebhookAttemptCount(DateTimeOffset Start, int Succeeded, int Failed);
