using Microsoft.OpenApi;

namespace Hookline.Tests.OpenApi;

/// <summary>Documents using every declaration feature, checked by an independent OpenAPI validator.</summary>
public class WebhookDocumentValidationTests
{
    [RequiresFact(Requirement.NodeTools)]
    public async Task Document_EveryFeature_ValidatesAsOpenApi31()
    {
        await using var app = await TestApp.StartAsync(DeclareEverything);

        await OpenApiValidator.AssertValidAsync((await app.GetDocumentAsync()).ToJsonString(), "3.1");
    }

    [RequiresFact(Requirement.NodeTools)]
    public async Task Document_EveryFeature_ValidatesAsOpenApi30()
    {
        await using var app = await TestApp.StartAsync(DeclareEverything, services => services.AddOpenApi(o => o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0));

        await OpenApiValidator.AssertValidAsync((await app.GetDocumentAsync()).ToJsonString(), "3.0");
    }

    private static void DeclareEverything(WebApplication app)
    {
        app.MapPost("/invoices", (Invoice invoice) => invoice.Id).WithName("createInvoice");
        var billing = app.Webhooks.MapGroup().WithTags("Billing");
        billing.MapMethods<Invoice>("invoice.paid", ["POST", "PUT"]).WithDescription("Paid.").Produces(204).Produces(200, typeof(Address));
        billing.MapPost<PriceAsString>("price.changed").Deprecated();
        app.Webhooks.MapPost<TreeNode>("tree.grown").WithName("treeGrown");
        app.Webhooks.MapPost("account.opened", (Account account) => { });
        app.Webhooks.MapDelete<Ping>("ping").ExcludeFromDescription();
    }
}
