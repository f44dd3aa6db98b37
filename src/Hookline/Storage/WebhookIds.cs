using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Hookline;

/// <summary>
/// Ids such as <c>msg_01JD3X...</c>: a prefix, then 26 Crockford base32 characters of a 48-bit
/// millisecond timestamp and 80 random bits, so ids sort by creation time and never collide in practice.
/// </summary>
internal static class WebhookIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewMessageId(DateTimeOffset now) => New("msg_", now);

    public static string NewEndpointId(DateTimeOffset now) => New("ep_", now);

    /// <summary>Whether <paramref name="value"/> has the form of an id with this prefix (not whether it exists).</summary>
    public static bool IsValid(string value, string prefix) =>
        value.Length == prefix.Length + 26
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept(Alphabet) < 0;

    private static string New(string prefix, DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random[6..]);
        var value = ((UInt128)(ulong)now.ToUnixTimeMilliseconds() << 80)
            | new UInt128(BinaryPrimitives.ReadUInt64BigEndian(random[..8]), BinaryPrimitives.ReadUInt64BigEndian(random[8..]));
        Span<char> chars = stackalloc char[26];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return prefix + new string(chars);
    }
}
