using Hookline.Storage;

namespace Hookline;

/// <summary>What one attempt did: the sender's answer, which the retry policy judges and the store records.</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="StatusCode">The response status, if a response came.</param>
/// <param name="ResponseBody">The first 4 KiB of the response body, as text.</param>
/// <param name="RetryAfter">The wait a <c>Retry-After</c> header asked for.</param>
/// <param name="ErrorKind">How it failed, if it did.</param>
/// <param name="Error">The failure's message.</param>
internal sealed record AttemptOutcome(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    int? StatusCode,
    string? ResponseBody,
    TimeSpan? RetryAfter,
    WebhookAttemptErrorKind ErrorKind,
    string? Error);
