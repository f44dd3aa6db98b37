namespace Hookline.Dashboard.Links;

/// <summary>What reading or opening a link came to.</summary>
internal enum DashboardLinkOutcome
{
    /// <summary>Valid: it can be opened (when read), or it is now used (when opened).</summary>
    Opened,

    /// <summary>Not a link this app made, or changed since: unreadable.</summary>
    Invalid,

    /// <summary>Made here, but past its expiry.</summary>
    Expired,

    /// <summary>Made here, and opened before.</summary>
    Used,

    /// <summary>Made here, before its tenant revoked its sessions and links.</summary>
    Revoked,
}
