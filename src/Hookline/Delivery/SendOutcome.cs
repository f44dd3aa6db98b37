using Hookline.Storage;

namespace Hookline;

/// <summary>What one HTTP attempt did.</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="StatusCode">The response status, if a response came.</param>
/// <param name="ResponseBody">The first 4 KiB of the response body, as text.</param>
/// <param name="RetryAfter">The wait a <c>Retry-After</c> header asked for.</param>
/// <param name="ErrorKind">How it failed, if it did.</param>
/// <param name="Error">The failure's message.</param>
internal sealed record SendOutcome(DateTimeOffset StartedAt, TimeSpan Duration, int? StatusCode, string? ResponseBody, TimeSpan? RetryAfter, AttemptErrorKind ErrorKind, string? Error)
{
    public AttemptOutcome ToAttemptOutcome() => new(StatusCode, RetryAfter);
}
