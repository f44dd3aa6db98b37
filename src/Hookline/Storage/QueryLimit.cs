namespace Hookline.Storage;

/// <summary>The check every query's <c>Limit</c> makes where it is set, so no store is asked for a negative number of rows.</summary>
internal static class QueryLimit
{
    public static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
