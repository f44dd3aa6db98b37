using Microsoft.Extensions.DependencyInjection;

namespace Hookline;

internal sealed class WebhooksBuilder(IServiceCollection services) : IWebhooksBuilder
{
    public IServiceCollection Services { get; } = services;
}
