using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>
/// A place to declare webhooks: <c>app.Webhooks</c>, <c>builder.Services.AddWebhooks().Webhooks</c>,
/// or a group made with <see cref="MapGroup"/>.
/// </summary>
/// <remarks>
/// Use the <c>MapPost</c>, <c>MapPut</c>, <c>MapPatch</c>, <c>MapDelete</c>, <c>MapGet</c> and
/// <c>MapMethods</c> extension methods in <see cref="WebhookDeclarationBuilderExtensions"/>.
/// </remarks>
public interface IWebhookDeclarationBuilder
{
    /// <summary>
    /// Declares a webhook: the event <paramref name="name"/>, sent with each of <paramref name="methods"/>, carrying a
    /// <paramref name="payloadType"/> body.
    /// </summary>
    /// <param name="name">The event name, e.g. <c>new-subscription</c>. It is the key under the OpenAPI <c>webhooks</c> field.</param>
    /// <param name="methods">The HTTP methods the webhook is sent with, e.g. <c>POST</c>.</param>
    /// <param name="payloadType">The type of the request body.</param>
    /// <returns>A builder to add conventions (description, tags, ...) to this webhook.</returns>
    /// <exception cref="ArgumentException">The name, a method or the payload type is not valid, or the name and method are
    /// already declared.</exception>
    WebhookConventionBuilder Map(string name, IEnumerable<string> methods, Type payloadType);

    /// <summary>Starts a group of webhooks that share conventions, such as tags.</summary>
    /// <returns>A builder that declares webhooks and applies its conventions to each of them.</returns>
    WebhookGroupBuilder MapGroup();
}
