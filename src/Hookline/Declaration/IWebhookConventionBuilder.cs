using Microsoft.AspNetCore.Builder;

namespace Hookline;

/// <summary>
/// A webhook or a group of webhooks that conventions can be added to. Besides ASP.NET Core's own
/// (<c>WithSummary</c>, <c>WithDescription</c>, <c>WithTags</c>, <c>WithName</c>, <c>WithGroupName</c>,
/// <c>ExcludeFromDescription</c>), <see cref="WebhookConventionBuilderExtensions"/> adds
/// <c>Deprecated</c> and <c>Produces</c>.
/// </summary>
public interface IWebhookConventionBuilder : IEndpointConventionBuilder;
