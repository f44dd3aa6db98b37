using Hookline;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>MapPost</c>, <c>MapPut</c>, <c>MapPatch</c>, <c>MapDelete</c>, <c>MapGet</c> and <c>MapMethods</c>
/// for webhooks, each in two forms: generic over the payload type, or with a delegate whose one
/// parameter is the payload (FastAPI's <c>@app.webhooks.post(...)</c> shape).
/// </summary>
public static class WebhookDeclarationBuilderExtensions
{
    /// <summary>Declares a webhook sent with POST and a <typeparamref name="TPayload"/> body.</summary>
    /// <typeparam name="TPayload">The request body type.</typeparam>
    /// <param name="webhooks">Where to declare it.</param>
    /// <param name="name">The event name, e.g. <c>new-subscription</c>.</param>
    /// <returns>A builder for the webhook's conventions.</returns>
    public static WebhookConventionBuilder MapPost<TPayload>(this IWebhookDeclarationBuilder webhooks, string name) =>
        webhooks.MapMethods<TPayload>(name, [HttpMethods.Post]);

    /// <summary>Declares a webhook sent with PUT and a <typeparamref name="TPayload"/> body.</summary>
    /// <inheritdoc cref="MapPost{TPayload}(IWebhookDeclarationBuilder, string)" />
    public static WebhookConventionBuilder MapPut<TPayload>(this IWebhookDeclarationBuilder webhooks, string name) =>
        webhooks.MapMethods<TPayload>(name, [HttpMethods.Put]);

    /// <summary>Declares a webhook sent with PATCH and a <typeparamref name="TPayload"/> body.</summary>
    /// <inheritdoc cref="MapPost{TPayload}(IWebhookDeclarationBuilder, string)" />
    public static WebhookConventionBuilder MapPatch<TPayload>(this IWebhookDeclarationBuilder webhooks, string name) =>
        webhooks.MapMethods<TPayload>(name, [HttpMethods.Patch]);

    /// <summary>Declares a webhook sent with DELETE and a <typeparamref name="TPayload"/> body.</summary>
    /// <inheritdoc cref="MapPost{TPayload}(IWebhookDeclarationBuilder, string)" />
    public static WebhookConventionBuilder MapDelete<TPayload>(this IWebhookDeclarationBuilder webhooks, string name) =>
        webhooks.MapMethods<TPayload>(name, [HttpMethods.Delete]);

    /// <summary>Declares a webhook sent with GET and a <typeparamref name="TPayload"/> body.</summary>
    /// <inheritdoc cref="MapPost{TPayload}(IWebhookDeclarationBuilder, string)" />
    public static WebhookConventionBuilder MapGet<TPayload>(this IWebhookDeclarationBuilder webhooks, string name) =>
        webhooks.MapMethods<TPayload>(name, [HttpMethods.Get]);

    /// <summary>Declares a webhook sent with each of <paramref name="methods"/> and a <typeparamref name="TPayload"/> body.</summary>
    /// <typeparam name="TPayload">The request body type.</typeparam>
    /// <param name="webhooks">Where to declare it.</param>
    /// <param name="name">The event name, e.g. <c>new-subscription</c>.</param>
    /// <param name="methods">The HTTP methods.</param>
    /// <returns>A builder for the webhook's conventions.</returns>
    public static WebhookConventionBuilder MapMethods<TPayload>(
        this IWebhookDeclarationBuilder webhooks, string name, IEnumerable<string> methods)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        return webhooks.Map(name, methods, typeof(TPayload));
    }

    /// <summary>
    /// Declares a webhook sent with POST; the body type is the delegate's one parameter: <c>(Subscription body) => { }</c>.
    /// </summary>
    /// <param name="webhooks">Where to declare it.</param>
    /// <param name="name">The event name, e.g. <c>new-subscription</c>.</param>
    /// <param name="payload">A delegate with one parameter, the payload. Attributes on it (<c>[EndpointSummary]</c>,
    /// <c>[Tags]</c>, <c>[Obsolete]</c>, ...) become conventions. It is never invoked.</param>
    /// <returns>A builder for the webhook's conventions.</returns>
    public static WebhookConventionBuilder MapPost(this IWebhookDeclarationBuilder webhooks, string name, Delegate payload) =>
        webhooks.MapMethods(name, [HttpMethods.Post], payload);

    /// <summary>Declares a webhook sent with PUT; the body type is the delegate's one parameter.</summary>
    /// <inheritdoc cref="MapPost(IWebhookDeclarationBuilder, string, Delegate)" />
    public static WebhookConventionBuilder MapPut(this IWebhookDeclarationBuilder webhooks, string name, Delegate payload) =>
        webhooks.MapMethods(name, [HttpMethods.Put], payload);

    /// <summary>Declares a webhook sent with PATCH; the body type is the delegate's one parameter.</summary>
    /// <inheritdoc cref="MapPost(IWebhookDeclarationBuilder, string, Delegate)" />
    public static WebhookConventionBuilder MapPatch(this IWebhookDeclarationBuilder webhooks, string name, Delegate payload) =>
        webhooks.MapMethods(name, [HttpMethods.Patch], payload);

    /// <summary>Declares a webhook sent with DELETE; the body type is the delegate's one parameter.</summary>
    /// <inheritdoc cref="MapPost(IWebhookDeclarationBuilder, string, Delegate)" />
    public static WebhookConventionBuilder MapDelete(this IWebhookDeclarationBuilder webhooks, string name, Delegate payload) =>
        webhooks.MapMethods(name, [HttpMethods.Delete], payload);

    /// <summary>Declares a webhook sent with GET; the body type is the delegate's one parameter.</summary>
    /// <inheritdoc cref="MapPost(IWebhookDeclarationBuilder, string, Delegate)" />
    public static WebhookConventionBuilder MapGet(this IWebhookDeclarationBuilder webhooks, string name, Delegate payload) =>
        webhooks.MapMethods(name, [HttpMethods.Get], payload);

    /// <summary>Declares a webhook sent with each of <paramref name="methods"/>; the body type is the delegate's one parameter.</summary>
    /// <param name="webhooks">Where to declare it.</param>
    /// <param name="name">The event name, e.g. <c>new-subscription</c>.</param>
    /// <param name="methods">The HTTP methods.</param>
    /// <param name="payload">A delegate with one parameter, the payload. Attributes on it become conventions. It is never invoked.</param>
    /// <returns>A builder for the webhook's conventions.</returns>
    public static WebhookConventionBuilder MapMethods(
        this IWebhookDeclarationBuilder webhooks, string name, IEnumerable<string> methods, Delegate payload)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(payload);
        var parameters = payload.Method.GetParameters();
        if (parameters.Length != 1)
        {
            throw new ArgumentException(
                $"The delegate for webhook '{name}' must take exactly one parameter, the payload, as in (Subscription body) => {{ }}; "
                + $"it takes {parameters.Length}.",
                nameof(payload));
        }

        var builder = webhooks.Map(name, methods, parameters[0].ParameterType);
        var attributes = payload.Method.GetCustomAttributes(inherit: true);
        if (attributes.Length > 0)
        {
            builder.WithMetadata(attributes);
        }

        return builder;
    }
}
