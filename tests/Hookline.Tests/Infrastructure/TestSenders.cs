using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hookline.Tests;

/// <summary>A <see cref="WebhookSender"/> on its own, as the dispatcher has it, for deliveries whose secrets are in the clear.</summary>
internal static class TestSenders
{
    public static WebhookSender Create(WebhookOptions options, TimeProvider? time = null) => new(
        Options.Create(options),
        new DestinationPolicy(Options.Create(options)),
        new EndpointSecretProtector(new EphemeralDataProtectionProvider()),
        time ?? TimeProvider.System,
        NullLogger<WebhookSender>.Instance);
}
