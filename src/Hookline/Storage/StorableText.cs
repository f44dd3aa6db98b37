namespace Hookline.Storage;

/// <summary>
/// Text that every store keeps as given. PostgreSQL's text refuses U+0000 where SQLite keeps it: refused where it comes in, so
/// that both stores hold the same, and one caller's bad value never fails a batch it shares with others.
/// </summary>
internal static class StorableText
{
    /// <summary>
    /// <paramref name="value"/>, or an <see cref="ArgumentException"/> naming <paramref name="what"/> if it holds U+0000.
    /// </summary>
    public static string? Require(string? value, string what, string parameterName) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException($"{what} must not contain the character U+0000 (NUL).", parameterName)
            : value;

    /// <summary>
    /// <paramref name="value"/>, or an <see cref="ArgumentException"/> naming <paramref name="what"/> if it holds a control
    /// character other than a tab or a line break: text that people read.
    /// </summary>
    public static string? RequireReadable(string? value, string what, string parameterName)
    {
        foreach (var c in value ?? "")
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                throw new ArgumentException($"{what} must not contain control characters; this one has U+{(int)c:X4}.", parameterName);
            }
        }

        return value;
    }
}
