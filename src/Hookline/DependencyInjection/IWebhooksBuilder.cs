using Microsoft.Extensions.DependencyInjection;

namespace Hookline;

/// <summary>Returned by <c>AddWebhooks()</c>; stores and declarations plug in here.</summary>
public interface IWebhooksBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
