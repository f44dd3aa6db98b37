namespace Hookline.Cli.Shared;

/// <summary>
/// A failure the user can fix (a malformed secret, invalid JSON, an unreachable URL), said in one line without a stack trace.
/// </summary>
internal sealed class CliException(string message) : Exception(message);
