using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Swashbuckle.AspNetCore.ReDoc;

namespace Hookline.ApiDocs;

/// <summary>
/// ReDoc's bundle with Redocly's logo drawn locally. The bundle shows the logo from Redocly's CDN: a request off the machine,
/// which the page's CSP refuses (a console error and an empty image). Served with that address swapped for an image of the
/// word, so the attribution stays and the page loads only the app's own assets.
/// </summary>
internal static partial class RedocBundle
{
    public const string FileName = "redoc.standalone.js";

    // The bundle as Swashbuckle.AspNetCore.ReDoc embeds it, gzipped; the docs UI tests fail if a version stores it otherwise.
    private const string Resource = "Swashbuckle.AspNetCore.ReDoc.node_modules.redoc.bundles." + FileName;

    private const string LocalLogo = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20width='56'%20height='16'%3E"
        + "%3Ctext%20x='0'%20y='12'%20font-family='sans-serif'%20font-size='12'%20fill='gray'%3ERedocly%3C/text%3E%3C/svg%3E";

    private static readonly Lazy<byte[]> s_bundle = new(Load);

    public static IResult Serve() => Results.Bytes(s_bundle.Value, "text/javascript; charset=utf-8");

    private static byte[] Load()
    {
        using var resource = typeof(ReDocOptions).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException(
                $"Swashbuckle.AspNetCore.ReDoc no longer embeds '{Resource}': use the version Hookline.ApiDocs references.");
        using var bundle = new StreamReader(new GZipStream(resource, CompressionMode.Decompress), Encoding.UTF8);
        return Encoding.UTF8.GetBytes(RedoclyLogo().Replace(bundle.ReadToEnd(), LocalLogo));
    }

    [GeneratedRegex(@"https://cdn\.redoc\.ly/redoc/logo-mini(-full)?\.svg")]
    private static partial Regex RedoclyLogo();
}
