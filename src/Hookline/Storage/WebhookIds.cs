using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Hookline;

/// <summary>
/// Ids such as <c>msg_01JD3X...</c>: a prefix, then 26 Crockford base32 characters of a 48-bit millisecond timestamp and 80
/// bits that are random at the first id of a millisecond and counted up from there for the next ones (ULID's monotonic mode),
/// so the ids one process makes sort in the order it made them, within a millisecond too, and never collide in practice.
/// </summary>
internal static class WebhookIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // The top bit of a millisecond's first random part is clear, so counting up from it cannot overflow into the timestamp.
    private static readonly UInt128 s_randomMask = (UInt128.One << 79) - 1;

    private static readonly Lock s_lock = new();
    private static long s_lastMilliseconds = -1;
    private static UInt128 s_lastRandom;

    public static string NewMessageId(DateTimeOffset now) => New("msg_", now);

    public static string NewEndpointId(DateTimeOffset now) => New("ep_", now);

    /// <summary>Whether <paramref name="value"/> has the form of an id with this prefix (not whether it exists).</summary>
    public static bool IsValid(string value, string prefix) =>
        value.Length == prefix.Length + 26
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept(Alphabet) < 0;

    private static string New(string prefix, DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        UInt128 random;
        lock (s_lock)
        {
            // A clock that went back (another TimeProvider, an adjusted system clock) starts afresh rather than stamping ids
            // with a time that is not theirs: ids stay ordered within each millisecond, as promised, not across such jumps.
            random = milliseconds == s_lastMilliseconds ? s_lastRandom + 1 : NewRandom();
            s_lastMilliseconds = milliseconds;
            s_lastRandom = random;
        }

        var value = ((UInt128)(ulong)milliseconds << 80) | random;
        Span<char> chars = stackalloc char[26];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return prefix + new string(chars);
    }

    private static UInt128 NewRandom()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random[6..]);
        return new UInt128(BinaryPrimitives.ReadUInt64BigEndian(random[..8]), BinaryPrimitives.ReadUInt64BigEndian(random[8..]))
               & s_randomMask;
    }
}
