using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Hookline.Management;

/// <summary>
/// A refused management request: a ProblemDetails whose <c>errors</c> names the field at fault (a JSON property, query parameter or
/// route value) with what is wrong with it; or, when no field is at fault (a limit reached), a plain ProblemDetails.
/// </summary>
internal sealed class ManagementProblem(int status, string? field, string message) : Exception(message)
{
    /// <summary>With a 429: in how many seconds to try again, sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; private init; }

    public IResult ToResult(HttpContext http)
    {
        if (RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var title = status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read.",
            StatusCodes.Status404NotFound => "Not found.",
            StatusCodes.Status409Conflict => "The request conflicts with the current state.",
            StatusCodes.Status412PreconditionFailed => "It changed since you read it.",
            StatusCodes.Status413PayloadTooLarge => "The request is too large.",
            StatusCodes.Status415UnsupportedMediaType => "The request's media type is not supported.",
            StatusCodes.Status429TooManyRequests => "Too many requests.",
            _ => "The request was refused.",
        };
        return field is null
            ? TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = Message })
            : TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [Message] })
            {
                Status = status,
                Title = title,
                Detail = Message,
            });
    }

    public static ManagementProblem BadRequest(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);

    public static ManagementProblem Unprocessable(string field, string message) =>
        new(StatusCodes.Status422UnprocessableEntity, field, message);

    public static ManagementProblem NotFound(string field, string id) => new(StatusCodes.Status404NotFound, field, $"There is no '{id}'.");

    /// <summary>A 409: with the field at fault, or <see langword="null"/> when the conflict is with no field of the request.</summary>
    public static ManagementProblem Conflict(string? field, string message) => new(StatusCodes.Status409Conflict, field, message);

    public static ManagementProblem PreconditionFailed(string field, string message) =>
        new(StatusCodes.Status412PreconditionFailed, field, message);

    /// <summary>A 429: a limit reached, with when to try again.</summary>
    public static ManagementProblem TooManyRequests(int retryAfterSeconds, string message) =>
        new(StatusCodes.Status429TooManyRequests, null, message) { RetryAfterSeconds = retryAfterSeconds };
}
