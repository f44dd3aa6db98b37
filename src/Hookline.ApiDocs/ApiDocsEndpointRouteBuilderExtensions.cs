using Hookline.ApiDocs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the docs UI, as FastAPI serves it: Swagger UI at <c>/docs</c> and ReDoc at <c>/redoc</c>.</summary>
public static class ApiDocsEndpointRouteBuilderExtensions
{
    // ReDoc's own page loads web fonts from the internet; ours loads only local assets.
    private const string RedocIndexResource = "Hookline.ApiDocs.redoc-index.html";

    /// <summary>
    /// Serves Swagger UI and ReDoc for an OpenAPI document, both showing its webhooks next to its
    /// paths. Their assets come from the Swashbuckle packages, so the pages work offline.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="documentUrl">The OpenAPI document to show, as mapped by <c>MapOpenApi()</c>.</param>
    /// <param name="docsPath">Where Swagger UI is served.</param>
    /// <param name="redocPath">Where ReDoc is served.</param>
    /// <returns>A builder for both pages' endpoints, e.g. to require authorization.</returns>
    public static IEndpointConventionBuilder MapApiDocs(
        this IEndpointRouteBuilder endpoints,
        string documentUrl = "/openapi/v1.json",
        string docsPath = "/docs",
        string redocPath = "/redoc")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(documentUrl);
        var docsPrefix = ToRoutePrefix(docsPath, nameof(docsPath));
        var redocPrefix = ToRoutePrefix(redocPath, nameof(redocPath));

        var swaggerUi = endpoints.CreateApplicationBuilder()
            .UseSwaggerUI(options =>
            {
                options.RoutePrefix = docsPrefix;
                options.DocumentTitle = "API docs";
                options.SwaggerEndpoint(documentUrl, "API");
            })
            .Build();
        var redoc = endpoints.CreateApplicationBuilder()
            .UseReDoc(options =>
            {
                options.RoutePrefix = redocPrefix;
                options.DocumentTitle = "API reference";
                options.SpecUrl = documentUrl;
                options.IndexStream = () =>
                    typeof(ApiDocsEndpointRouteBuilderExtensions).Assembly.GetManifestResourceStream(RedocIndexResource)!;
            })
            .Build();

        return new CompositeEndpointConventionBuilder(
            MapPage(endpoints, docsPrefix, swaggerUi),
            MapPage(endpoints, redocPrefix, redoc),
            endpoints.MapGet($"/{redocPrefix}/{RedocBundle.FileName}", RedocBundle.Serve).ExcludeFromDescription());
    }

    private static string ToRoutePrefix(string path, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, parameterName);
        var prefix = path.Trim('/');
        return prefix.Length > 0 && !prefix.Contains('{')
            ? prefix
            : throw new ArgumentException(
                $"'{path}' is not a usable path for a docs page; use a literal path such as \"/docs\".", parameterName);
    }

    private static IEndpointConventionBuilder MapPage(IEndpointRouteBuilder endpoints, string prefix, RequestDelegate page) =>
        endpoints.MapGet($"/{prefix}/{{**asset}}", page).ExcludeFromDescription();
}
