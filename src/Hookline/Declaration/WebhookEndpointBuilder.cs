using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hookline;

/// <summary>
/// Lets ASP.NET Core's endpoint conventions (<c>WithDescription</c>, <c>WithTags</c>, ...) run on a
/// webhook: they write metadata, which the catalog reads. A webhook is not routed, so
/// <see cref="Build"/> yields an endpoint without a request delegate.
/// </summary>
internal sealed class WebhookEndpointBuilder : EndpointBuilder
{
    public override Endpoint Build() => new(RequestDelegate, new EndpointMetadataCollection(Metadata), DisplayName);
}
