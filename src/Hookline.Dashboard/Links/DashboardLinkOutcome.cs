namespace Hookline.Dashboard.Links;

/// <summary>What opening a link came to.</summary>
internal enum DashboardLinkOutcome
{
    /// <summary>Valid, and now used.</summary>
    Opened,

    /// <summary>Not a link this app made, or changed since: unreadable.</summary>
    Invalid,

    /// <summary>Made here, but past its expiry.</summary>
    Expired,

    /// <summary>Made here, and opened before.</summary>
    Used,
}
