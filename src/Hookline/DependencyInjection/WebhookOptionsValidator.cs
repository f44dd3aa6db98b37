using System.Net;
using Microsoft.Extensions.Options;

namespace Hookline;

/// <summary>Refuses options that would make delivery misbehave, naming the option at fault.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var delivery = options.Delivery;
        List<string> failures = [];
        if (options.MaxPayloadBytes <= 0)
        {
            failures.Add($"Webhooks:MaxPayloadBytes must be positive; it is {options.MaxPayloadBytes}.");
        }

        if (delivery.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Delivery:Timeout must be positive; it is {delivery.Timeout}.");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Retention must be positive; it is {options.Retention}.");
        }

        if (delivery.MaxConcurrency <= 0)
        {
            failures.Add($"Webhooks:Delivery:MaxConcurrency must be positive; it is {delivery.MaxConcurrency}.");
        }

        if (delivery.MaxConcurrencyPerEndpoint <= 0)
        {
            failures.Add($"Webhooks:Delivery:MaxConcurrencyPerEndpoint must be positive; it is {delivery.MaxConcurrencyPerEndpoint}.");
        }

        if (delivery.MaxConcurrencyPerTenant is { } perTenant && (perTenant <= 0 || perTenant > delivery.MaxConcurrency))
        {
            failures.Add(
                $"Webhooks:Delivery:MaxConcurrencyPerTenant must be from 1 to MaxConcurrency ({delivery.MaxConcurrency}), or unset; "
                + $"it is {perTenant}.");
        }

        var circuit = delivery.CircuitBreaker;
        if (circuit is null)
        {
            failures.Add("Webhooks:Delivery:CircuitBreaker must be set.");
        }
        else
        {
            if (circuit.FailureThreshold <= 0)
            {
                failures.Add($"Webhooks:Delivery:CircuitBreaker:FailureThreshold must be positive; it is {circuit.FailureThreshold}.");
            }

            if (circuit.BreakDuration <= TimeSpan.Zero || circuit.MaxBreakDuration < circuit.BreakDuration)
            {
                failures.Add(
                    "Webhooks:Delivery:CircuitBreaker:BreakDuration must be positive and at most MaxBreakDuration; "
                    + $"they are {circuit.BreakDuration} and {circuit.MaxBreakDuration}.");
            }
        }

        if (delivery.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Delivery:PollInterval must be positive; it is {delivery.PollInterval}.");
        }

        foreach (var network in (delivery.AllowedNetworks ?? []).Where(n => !IPNetwork.TryParse(n, out _)))
        {
            failures.Add($"Webhooks:Delivery:AllowedNetworks: '{network}' is not a network in CIDR notation, such as 127.0.0.0/8 or ::1/128.");
        }

        if (delivery.RetrySchedule?.Any(d => d < TimeSpan.Zero) == true)
        {
            failures.Add("Webhooks:Delivery:RetrySchedule must be a list of waits of zero or more (an empty list means no retries).");
        }

        if (delivery.RetryJitter is < 0 or >= 1 || double.IsNaN(delivery.RetryJitter))
        {
            failures.Add($"Webhooks:Delivery:RetryJitter must be from 0 to below 1; it is {delivery.RetryJitter}.");
        }

        if (delivery.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Delivery:MaxRetryAfter must not be negative; it is {delivery.MaxRetryAfter}.");
        }

        if (delivery.DisableEndpointAfter <= TimeSpan.Zero)
        {
            failures.Add($"Webhooks:Delivery:DisableEndpointAfter must be positive; it is {delivery.DisableEndpointAfter}.");
        }

        if (options.MaxEndpointsPerTenant <= 0)
        {
            failures.Add($"Webhooks:MaxEndpointsPerTenant must be positive, or null for no cap; it is {options.MaxEndpointsPerTenant}.");
        }

        var costly = options.Management.CostlyCalls;
        if (costly.PerMinute <= 0)
        {
            failures.Add($"Webhooks:Management:CostlyCalls:PerMinute must be positive, or null for no limit; it is {costly.PerMinute}.");
        }

        if (costly.Burst <= 0)
        {
            failures.Add($"Webhooks:Management:CostlyCalls:Burst must be positive; it is {costly.Burst}.");
        }

        var feed = options.Management.Feed;
        var longest = Management.FeedWaits.LongestMaxWait;
        if (feed.MaxWait < TimeSpan.Zero || feed.MaxWait > longest)
        {
            failures.Add($"Webhooks:Management:Feed:MaxWait must be from 0 to {longest.TotalMinutes:F0} minutes; it is {feed.MaxWait}.");
        }

        if (feed.MaxWaitingPerTenant <= 0 || feed.MaxWaiting <= 0)
        {
            failures.Add(
                "Webhooks:Management:Feed:MaxWaitingPerTenant and MaxWaiting must be positive; "
                + $"they are {feed.MaxWaitingPerTenant} and {feed.MaxWaiting}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
