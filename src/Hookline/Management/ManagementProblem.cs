using Microsoft.AspNetCore.Http;

namespace Hookline.Management;

/// <summary>
/// A refused management request: a ProblemDetails whose <c>errors</c> names the field at fault (a
/// JSON property, query parameter or route value) with what is wrong with it.
/// </summary>
internal sealed class ManagementProblem(int status, string field, string message) : Exception(message)
{
    public IResult ToResult() => TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [Message] })
    {
        Status = status,
        Title = status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read.",
            StatusCodes.Status404NotFound => "Not found.",
            StatusCodes.Status409Conflict => "The request conflicts with the current state.",
            StatusCodes.Status412PreconditionFailed => "It changed since you read it.",
            StatusCodes.Status413PayloadTooLarge => "The request is too large.",
            StatusCodes.Status415UnsupportedMediaType => "The request's media type is not supported.",
            _ => "The request was refused.",
        },
        Detail = Message,
    });

    public static ManagementProblem BadRequest(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);

    public static ManagementProblem Unprocessable(string field, string message) => new(StatusCodes.Status422UnprocessableEntity, field, message);

    public static ManagementProblem NotFound(string field, string id) => new(StatusCodes.Status404NotFound, field, $"There is no '{id}'.");

    public static ManagementProblem Conflict(string field, string message) => new(StatusCodes.Status409Conflict, field, message);

    public static ManagementProblem PreconditionFailed(string field, string message) => new(StatusCodes.Status412PreconditionFailed, field, message);
}
