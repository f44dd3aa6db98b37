using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.DataProtection;

namespace Hookline.Dashboard;

/// <summary>
/// A value as JSON protected by Data Protection, in base64url: what a one-time link and a session cookie carry. Only this
/// app can read or forge one.
/// </summary>
internal sealed class SealedJson<T>(IDataProtector protector, JsonTypeInfo<T> type)
    where T : class
{
    public string Seal(T value) => Base64Url.EncodeToString(protector.Protect(JsonSerializer.SerializeToUtf8Bytes(value, type)));

    /// <summary>
    /// The value, or <see langword="null"/> when the text is not one this app sealed (tampered, malformed, another key ring).
    /// </summary>
    public T? Open(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(protector.Unprotect(Base64Url.DecodeFromChars(text)), type);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
