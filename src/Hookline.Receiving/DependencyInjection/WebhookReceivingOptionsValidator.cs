using Microsoft.Extensions.Options;

namespace Hookline.Receiving;

/// <summary>Validates <see cref="WebhookReceivingOptions"/> from its data annotations, at start.</summary>
[OptionsValidator]
internal sealed partial class WebhookReceivingOptionsValidator : IValidateOptions<WebhookReceivingOptions>;
