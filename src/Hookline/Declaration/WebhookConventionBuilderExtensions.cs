using Hookline;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Conventions that only webhooks have.</summary>
public static class WebhookConventionBuilderExtensions
{
    /// <summary>Marks the webhook (or every webhook of the group) as deprecated in the OpenAPI document.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The webhook or group.</param>
    /// <returns>The builder.</returns>
    public static TBuilder Deprecated<TBuilder>(this TBuilder builder)
        where TBuilder : IWebhookConventionBuilder =>
        builder.WithMetadata(new ObsoleteAttribute());

    /// <summary>
    /// Documents a response the receiver should give. Without any, the document says that any 2xx
    /// acknowledges the delivery; either way, any other answer is documented as retried.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The webhook or group.</param>
    /// <param name="statusCode">The status code, e.g. 204.</param>
    /// <param name="responseType">The type of a JSON response body, if any.</param>
    /// <param name="description">What the response means; defaults to the status code's reason phrase.</param>
    /// <returns>The builder.</returns>
    public static TBuilder Produces<TBuilder>(this TBuilder builder, int statusCode, Type? responseType = null, string? description = null)
        where TBuilder : IWebhookConventionBuilder
    {
        var contentTypes = responseType is null ? Array.Empty<string>() : ["application/json"];
        return builder.WithMetadata(
            new ProducesResponseTypeMetadata(statusCode, responseType ?? typeof(void), contentTypes) { Description = description });
    }
}
