namespace Hookline.Management;

/// <summary>
/// A caller whose tenant is already known, such as a dashboard session opened by a one-time link: the management API takes
/// its tenant from here instead of the signed-in user, and refuses every change when it is read-only.
/// </summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="ReadOnly">Whether the caller may only read.</param>
internal sealed record ManagementCallerFeature(string Tenant, bool ReadOnly);
