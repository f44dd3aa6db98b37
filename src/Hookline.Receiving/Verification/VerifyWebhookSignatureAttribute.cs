using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Hookline.Receiving;

/// <summary>
/// Verifies the Standard Webhooks signature of requests to a controller or action before model binding reads the body, and
/// refuses the rest with a 401 ProblemDetails (413 over the size limit). The replay guard answers a copy of a webhook already
/// handled with 204 without running the action, and one whose twin is still running with 409. Needs
/// <c>AddWebhookReceiving()</c>. On minimal API endpoints and route groups, call <c>VerifyWebhookSignature()</c> instead, which
/// adds this attribute as endpoint metadata.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class VerifyWebhookSignatureAttribute : Attribute, IFilterFactory
{
    /// <summary>Verifies with the default sender's options.</summary>
    public VerifyWebhookSignatureAttribute()
    {
    }

    /// <summary>Verifies with a named sender's options (<c>AddWebhookReceiving(sender)</c>).</summary>
    public VerifyWebhookSignatureAttribute(string sender) => Sender = sender;

    /// <summary>The sender whose options verify the request.</summary>
    /// <value><see langword="null"/>: the default sender's.</value>
    public string? Sender { get; }

    /// <inheritdoc />
    public bool IsReusable => true;

    /// <inheritdoc />
    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) =>
        new ResourceFilter(WebhookRequestVerifier.From(serviceProvider), Sender);

    // A resource filter runs before model binding, so the body is verified before anything reads it.
    private sealed class ResourceFilter(WebhookRequestVerifier verifier, string? sender) : IAsyncResourceFilter
    {
        public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
        {
            var called = false;
            await verifier.InvokeAsync(context.HttpContext, sender, async () =>
            {
                called = true;
                var executed = await next().ConfigureAwait(false);
                return (executed.Exception is null || executed.ExceptionHandled)
                    && WebhookRequestVerifier.IsSuccess(context.HttpContext.Response.StatusCode);
            }).ConfigureAwait(false);
            if (!called)
            {
                // The refusal is written; this stops the rest of the pipeline.
                context.Result = new EmptyResult();
            }
        }
    }
}
