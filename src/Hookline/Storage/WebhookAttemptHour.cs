namespace Hookline.Storage;

/// <summary>The attempts at one endpoint in one hour (UTC): how many succeeded and failed, and the last failure.</summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="Start">The hour's start, in UTC.</param>
/// <param name="Succeeded">Attempts answered 2xx.</param>
/// <param name="Failed">Attempts that failed (any other answer, or none).</param>
/// <param name="LastFailure">The hour's latest failed attempt, if any failed.</param>
public sealed record WebhookAttemptHour(
    string EndpointId, DateTimeOffset Start, int Succeeded, int Failed, WebhookLastFailure? LastFailure);
