using System.CommandLine;

namespace Hookline.Cli.Send;

/// <summary><c>hookline send</c>.</summary>
internal static class SendCommand
{
    public static Command Create() => new("send", "Not yet.");
}
