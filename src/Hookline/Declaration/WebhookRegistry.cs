namespace Hookline;

/// <summary>
/// Collects the webhook declarations of one application (<c>app.Webhooks</c> and
/// <c>AddWebhooks().Webhooks</c> both land here) until <see cref="WebhookCatalog"/> freezes them.
/// </summary>
internal sealed class WebhookRegistry : IWebhookDeclarationBuilder
{
    private readonly Lock _lock = new();
    private readonly List<WebhookDeclaration> _declarations = [];
    private bool _frozen;

    public WebhookConventionBuilder Map(string name, IEnumerable<string> methods, Type payloadType) =>
        Add(name, methods, payloadType, group: null);

    public WebhookGroupBuilder MapGroup() => new(this, parent: null);

    internal WebhookConventionBuilder Add(string name, IEnumerable<string> methods, Type payloadType, WebhookGroupBuilder? group)
    {
        WebhookName.Validate(name);
        var normalizedMethods = WebhookMethods.Normalize(name, methods);
        WebhookPayloadType.Validate(name, payloadType);

        var declaration = new WebhookDeclaration(name, normalizedMethods, payloadType, group);
        lock (_lock)
        {
            ThrowIfFrozen();
            foreach (var existing in _declarations)
            {
                var clash = existing.Name == name ? existing.Methods.Intersect(normalizedMethods).FirstOrDefault() : null;
                if (clash is not null)
                {
                    throw new ArgumentException(
                        $"Webhook '{name}' is already declared for {clash}. "
                        + "Declare each name and method once, or give the second webhook another name.",
                        nameof(name));
                }
            }

            _declarations.Add(declaration);
        }

        return new WebhookConventionBuilder(this, declaration);
    }

    internal void ThrowIfFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException(
                "Webhooks and their conventions must be declared before the application starts (before app.Run()).");
        }
    }

    /// <summary>Ends declaration: later <c>Map*</c> calls and conventions throw.</summary>
    internal IReadOnlyList<WebhookDeclaration> Freeze()
    {
        lock (_lock)
        {
            _frozen = true;
            return [.. _declarations];
        }
    }
}
