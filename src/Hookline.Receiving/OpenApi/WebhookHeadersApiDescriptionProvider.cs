using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Hookline.Receiving;

/// <summary>
/// Lists the three required Standard Webhooks headers as parameters of every verified endpoint, so that the app's OpenAPI
/// document (or any other ApiExplorer reader) describes what a sender must send.
/// </summary>
internal sealed class WebhookHeadersApiDescriptionProvider : IApiDescriptionProvider
{
    private static readonly string[] s_headers = [WebhookHeaders.Id, WebhookHeaders.Timestamp, WebhookHeaders.Signature];

    // Document generators read the parameter's type from its metadata.
    private static readonly ModelMetadata s_string = new EmptyModelMetadataProvider().GetMetadataForType(typeof(string));

    // After the providers that build the descriptions (minimal APIs at -1100, controllers at -1000).
    public int Order => 0;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            if (description.ActionDescriptor.EndpointMetadata?.OfType<VerifyWebhookSignatureAttribute>().Any() != true)
            {
                continue;
            }

            foreach (var header in s_headers)
            {
                if (!description.ParameterDescriptions.Any(p =>
                    p.Source == BindingSource.Header && string.Equals(p.Name, header, StringComparison.OrdinalIgnoreCase)))
                {
                    description.ParameterDescriptions.Add(new ApiParameterDescription
                    {
                        Name = header,
                        Source = BindingSource.Header,
                        Type = typeof(string),
                        ModelMetadata = s_string,
                        IsRequired = true,
                    });
                }
            }
        }
    }
}
