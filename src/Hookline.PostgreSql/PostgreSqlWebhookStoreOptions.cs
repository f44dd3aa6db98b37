namespace Hookline.PostgreSql;

/// <summary>
/// Options of the PostgreSQL webhook store (<c>UsePostgreSql</c>), set with
/// <c>services.Configure&lt;PostgreSqlWebhookStoreOptions&gt;(o =&gt; ...)</c>.
/// </summary>
public sealed class PostgreSqlWebhookStoreOptions
{
    /// <summary>
    /// Whether the app may start outside Development with the Data Protection key ring in the webhook database (where
    /// <c>UsePostgreSql</c> keeps it, unless the app keeps it elsewhere) and its keys not encrypted at rest (no
    /// <c>ProtectKeysWith...</c>). The keys sit next to the endpoint secrets they encrypt and protect the app's own cookies:
    /// whoever can read the database could decrypt the secrets and forge the cookies. Without this, such an app refuses to
    /// start outside Development and warns in Development.
    /// </summary>
    /// <value>
    /// <see langword="false"/>: encrypt the keys, with <c>services.AddDataProtection().ProtectKeysWithCertificate(...)</c> or
    /// another <c>ProtectKeysWith...</c>.
    /// </value>
    public bool AllowUnprotectedKeys { get; set; }
}
