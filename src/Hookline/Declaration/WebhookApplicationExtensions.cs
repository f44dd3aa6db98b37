using Hookline;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The <c>Webhooks</c> property, where an application declares the webhooks it sends.</summary>
public static class WebhookApplicationExtensions
{
    extension(WebApplication app)
    {
        /// <summary>
        /// Declares the webhooks this application sends, like FastAPI's <c>app.webhooks</c>:
        /// <c>app.Webhooks.MapPost&lt;Subscription&gt;("new-subscription")</c>.
        /// </summary>
        /// <exception cref="InvalidOperationException"><c>builder.Services.AddWebhooks()</c> was not called.</exception>
        public IWebhookDeclarationBuilder Webhooks =>
            app.Services.GetService<WebhookRegistry>()
            ?? throw new InvalidOperationException("Call builder.Services.AddWebhooks() before using app.Webhooks.");
    }

    extension(IWebhooksBuilder builder)
    {
        /// <summary>
        /// Declares webhooks at service registration time, for libraries and for code without a
        /// <see cref="WebApplication"/>: <c>services.AddWebhooks().Webhooks.MapPost&lt;Invoice&gt;("invoice.paid")</c>.
        /// </summary>
        public IWebhookDeclarationBuilder Webhooks => builder.Services.GetWebhookRegistry();
    }
}
