using Microsoft.Extensions.Options;

namespace Hookline.Dashboard;

/// <summary>
/// Validates <see cref="WebhookDashboardOptions"/> from their data annotations, at start: refuses values that would break the page
/// or its Content-Security-Policy (each lands in a header or a style sheet), naming the option at fault.
/// </summary>
[OptionsValidator]
internal sealed partial class WebhookDashboardOptionsValidator : IValidateOptions<WebhookDashboardOptions>;
