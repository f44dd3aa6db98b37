using System.CommandLine;

namespace Hookline.Cli.Listen;

/// <summary><c>hookline listen</c>.</summary>
internal static class ListenCommand
{
    public static Command Create() => new("listen", "Not yet.");
}
