using System.Text;

namespace Hookline.Tests.StandardWebhooks;

/// <summary>
/// The Standard Webhooks specification's test vector, as the official libraries' tests use it; the signature was checked
/// against the official npm library.
/// </summary>
internal static class SpecVector
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long Timestamp = 1614265330;
    public const string Body = "{\"test\": 2432232314}";
    public const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    public static byte[] BodyBytes => Encoding.UTF8.GetBytes(Body);

    public static DateTimeOffset SignedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
