using Hookline.Receiving;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Standard Webhooks verification to endpoints.</summary>
public static class WebhookVerificationEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Verifies the Standard Webhooks signature of every request to these endpoints (one endpoint, a route group, or any other
    /// convention builder) on the raw body, before parameter binding reads it, and refuses the rest with a 401 ProblemDetails
    /// that names the failed check (413 over the size limit). The replay guard answers a copy of a webhook already handled with
    /// 204 without running the endpoint, and one whose twin is still running with 409. Needs <c>AddWebhookReceiving()</c>.
    /// </summary>
    /// <remarks>
    /// Not an <see cref="IEndpointFilter"/>: endpoint filters run after parameter binding has consumed the body. This wraps the
    /// endpoint's request delegate instead, once, however many times it is called; the innermost call (the endpoint's own over
    /// its group's) picks the sender.
    /// </remarks>
    /// <param name="builder">The endpoints.</param>
    /// <param name="sender">A named sender's options (<c>AddWebhookReceiving(sender)</c>), or the default sender's.</param>
    public static TBuilder VerifyWebhookSignature<TBuilder>(this TBuilder builder, string? sender = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(sender is null ? new VerifyWebhookSignatureAttribute() : new VerifyWebhookSignatureAttribute(sender));
        builder.Finally(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } inner || endpoint.Metadata.OfType<VerifiedMarker>().Any())
            {
                return;
            }

            endpoint.Metadata.Add(VerifiedMarker.Instance);
            var chosen = endpoint.Metadata.OfType<VerifyWebhookSignatureAttribute>().Last().Sender;
            endpoint.RequestDelegate = context =>
            {
                var verifier = WebhookRequestVerifier.From(context.RequestServices);
                return verifier.InvokeAsync(context, chosen, async () =>
                {
                    await inner(context).ConfigureAwait(false);
                    return WebhookRequestVerifier.IsSuccess(context.Response.StatusCode);
                });
            };
        });
        return builder;
    }

    private sealed class VerifiedMarker
    {
        public static readonly VerifiedMarker Instance = new();
    }
}
