namespace Hookline.Management;

/// <summary>
/// A caller whose tenant is already known, set as a request feature (<c>HttpContext.Features.Set</c>) before the management API
/// runs, such as a dashboard session opened by a one-time link: the API takes its tenant from here instead of the signed-in
/// user, and refuses every change, and every signing secret, when it is read-only.
/// </summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="ReadOnly">Whether the caller may only read.</param>
public sealed record WebhookManagementCaller(string Tenant, bool ReadOnly);
