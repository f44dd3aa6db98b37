namespace Hookline.Storage;

/// <summary>A failed attempt, as the stats keep it.</summary>
/// <param name="At">When it started.</param>
/// <param name="StatusCode">The response's status code, if there was a response.</param>
/// <param name="ErrorKind">How it failed.</param>
/// <param name="Error">The failure, in words.</param>
public sealed record WebhookLastFailure(DateTimeOffset At, int? StatusCode, WebhookAttemptErrorKind ErrorKind, string? Error);
