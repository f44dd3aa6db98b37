using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Hookline.StandardWebhooks;

/// <summary>
/// The bytes a signature covers, <c>{id}.{timestamp}.{body}</c>, in a pooled buffer: built once, then keyed with each secret.
/// </summary>
internal readonly struct SignedContent : IDisposable
{
    /// <summary>The length of a v1 signature: an HMAC-SHA256.</summary>
    public const int MacBytes = HMACSHA256.HashSizeInBytes;

    private readonly byte[] _buffer;
    private readonly int _length;

    public SignedContent(ReadOnlySpan<char> messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        // A long is at most 20 characters; two dots separate the parts.
        _buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(messageId.Length) + 22 + body.Length);
        var span = _buffer.AsSpan();
        var written = Encoding.UTF8.GetBytes(messageId, span);
        span[written++] = (byte)'.';
        Utf8Formatter.TryFormat(timestamp, span[written..], out var digits);
        written += digits;
        span[written++] = (byte)'.';
        body.CopyTo(span[written..]);
        _length = written + body.Length;
    }

    /// <summary>Writes the MAC of the content under <paramref name="secret"/> into <paramref name="destination"/>.</summary>
    public void Mac(WebhookSecret secret, Span<byte> destination) =>
        HMACSHA256.HashData(secret.Key, _buffer.AsSpan(0, _length), destination);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
