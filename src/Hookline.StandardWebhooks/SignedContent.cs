using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Hookline.StandardWebhooks;

/// <summary>
/// The bytes a signature covers, <c>{id}.{timestamp}.{body}</c>, in a pooled buffer: built once, then keyed with each secret
/// and signed or verified with each key.
/// </summary>
internal readonly struct SignedContent : IDisposable
{
    /// <summary>The length of a v1 signature: an HMAC-SHA256.</summary>
    public const int MacBytes = HMACSHA256.HashSizeInBytes;

    /// <summary>The length of a v1a signature: an Ed25519 signature.</summary>
    public const int SignatureBytes = 64;

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

    /// <summary>Writes the Ed25519 signature of the content under <paramref name="key"/> into <paramref name="destination"/>.</summary>
    public void Sign(WebhookSigningKey key, Span<byte> destination) =>
        SignatureAlgorithm.Ed25519.Sign(key.Key, _buffer.AsSpan(0, _length), destination);

    /// <summary>Whether <paramref name="signature"/> is the Ed25519 signature of the content under <paramref name="key"/>.</summary>
    public bool Verify(WebhookPublicKey key, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(key.Key, _buffer.AsSpan(0, _length), signature);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
