namespace Hookline.Storage;

/// <summary>How an attempt ended, when it did not end with a 2xx.</summary>
public enum WebhookAttemptErrorKind
{
    /// <summary>It succeeded.</summary>
    None,

    /// <summary>The receiver answered with a non-2xx status.</summary>
    HttpStatus,

    /// <summary>No answer within the timeout.</summary>
    Timeout,

    /// <summary>The host name did not resolve.</summary>
    Dns,

    /// <summary>The connection was refused.</summary>
    ConnectionRefused,

    /// <summary>The connection was reset or closed mid-request.</summary>
    ConnectionReset,

    /// <summary>The TLS handshake failed.</summary>
    Tls,

    /// <summary>The destination is not allowed (SSRF guard).</summary>
    Forbidden,

    /// <summary>Any other failure.</summary>
    Other,

    /// <summary>Nothing was sent: the sender could not sign the delivery (it could not read the endpoint's secret).</summary>
    Signing,
}
