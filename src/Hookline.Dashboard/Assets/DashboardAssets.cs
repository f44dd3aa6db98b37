using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;

namespace Hookline.Dashboard.Assets;

/// <summary>
/// The page's files, embedded in this assembly and served under <c>assets/{version}/</c>, where the version is a hash of
/// every file (and of the theme made from the options): so they are cached for a year, and a new package or theme is a new
/// path. The page itself (<c>index.html</c>) names that path, so it is never cached.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "Hookline.Dashboard.wwwroot/";

    private static readonly FrozenDictionary<string, string> s_types = new Dictionary<string, string>
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, (byte[] Bytes, string Type)> _files;
    private readonly string? _index;
    private readonly string _title;
    private readonly string? _logo;

    public DashboardAssets(IOptions<WebhookDashboardOptions> options)
    {
        var settings = options.Value;
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = name[Prefix.Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            if (file == "index.html")
            {
                _index = Encoding.UTF8.GetString(bytes.ToArray());
            }
            else if (s_types.TryGetValue(Path.GetExtension(file), out var type))
            {
                files[file] = (bytes.ToArray(), type);
            }
        }

        // The accent colour is validated (#rgb or #rrggbb), so it cannot close the rule.
        files["theme.css"] = (Encoding.UTF8.GetBytes($":root {{ --accent: {settings.AccentColor}; }}\n"), s_types[".css"]);
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
        if (_index is null)
        {
            throw new InvalidOperationException("The dashboard's index.html is missing from its assembly.");
        }
        _title = settings.Title;
        _logo = settings.LogoUrl;
        Version = Hash(_files);
    }

    /// <summary>The path segment every file is served under: a hash of them all.</summary>
    public string Version { get; }

    public bool TryGet(string file, out byte[] bytes, out string type)
    {
        var found = _files.TryGetValue(file, out var asset);
        (bytes, type) = asset;
        return found;
    }

    /// <summary>
    /// The page, pointing at this version's files under <paramref name="root"/> (the dashboard's path, with the app's base).
    /// </summary>
    public string Index(string root)
    {
        var html = HtmlEncoder.Default;
        var logo = _logo is null ? "" : $"<img class=\"logo\" src=\"{html.Encode(_logo)}\" alt=\"\">";
        return _index!
            .Replace("{{title}}", html.Encode(_title), StringComparison.Ordinal)
            .Replace("{{logo}}", logo, StringComparison.Ordinal)
            .Replace("{{root}}", html.Encode(root), StringComparison.Ordinal)
            .Replace("{{assets}}", html.Encode($"{root}/assets/{Version}"), StringComparison.Ordinal);
    }

    private static string Hash(FrozenDictionary<string, (byte[] Bytes, string Type)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, (bytes, _)) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
