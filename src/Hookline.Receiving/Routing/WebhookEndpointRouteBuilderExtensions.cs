using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps typed, verified webhook receivers.</summary>
public static class WebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST that receives one webhook: its Standard Webhooks signature verified on the raw body first
    /// (<see cref="WebhookVerificationEndpointConventionBuilderExtensions.VerifyWebhookSignature"/>), then its JSON body bound to
    /// the handler's <typeparamref name="TPayload"/> parameter. In the app's OpenAPI document it is a path operation with
    /// <typeparamref name="TPayload"/> as the request body, the three <c>webhook-*</c> headers and the refusals. Needs
    /// <c>AddWebhookReceiving()</c>.
    /// </summary>
    /// <typeparam name="TPayload">The webhook's payload type.</typeparam>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The route, e.g. <c>/hooks/new-subscription</c>.</param>
    /// <param name="handler">The handler: a delegate with a <typeparamref name="TPayload"/> parameter and any others minimal APIs
    /// bind (services, <see cref="HttpRequest"/>, a <see cref="CancellationToken"/>).</param>
    /// <param name="sender">A named sender's options (<c>AddWebhookReceiving(sender)</c>), or the default sender's.</param>
    /// <returns>The endpoint's builder, to add a name, authorization or more metadata.</returns>
    /// <exception cref="ArgumentException">The handler has no <typeparamref name="TPayload"/> parameter.</exception>
    public static RouteHandlerBuilder MapWebhook<TPayload>(
        this IEndpointRouteBuilder endpoints, string pattern, Delegate handler, string? sender = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        if (!handler.Method.GetParameters().Any(p => p.ParameterType == typeof(TPayload)))
        {
            throw new ArgumentException(
                $"The handler for '{pattern}' has no {typeof(TPayload).Name} parameter, so the webhook's body would not reach it.",
                nameof(handler));
        }

        return endpoints.MapPost(pattern, handler)
            .VerifyWebhookSignature(sender)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }
}
