using Hookline.Storage;

namespace Hookline.Management;

/// <summary>A failed attempt at an endpoint.</summary>
public sealed record WebhookAttemptFailure
{
    /// <summary>When it started.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The response's status code, if there was a response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// How it failed: <c>httpStatus</c>, <c>timeout</c>, <c>dns</c>, <c>connectionRefused</c>, <c>connectionReset</c>, <c>tls</c>,
    /// <c>forbidden</c>, <c>other</c> or <c>signing</c> (nothing was sent).
    /// </summary>
    public required string ErrorKind { get; init; }

    /// <summary>The failure, in words.</summary>
    public string? Error { get; init; }

    internal static WebhookAttemptFailure From(WebhookLastFailure failure) => new()
    {
        At = failure.At.ToUniversalTime(),
        StatusCode = failure.StatusCode,
        ErrorKind = ManagementQuery.ErrorKindName(failure.ErrorKind),
        Error = failure.Error,
    };
}
