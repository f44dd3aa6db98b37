using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>
/// Validates <see cref="WebhookOptions"/> and the options nested in it from their data annotations, at start; each message names
/// the option as configuration spells it (<c>Webhooks:Delivery:Timeout</c>).
/// </summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
