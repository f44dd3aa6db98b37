namespace Hookline.Filtering;

/// <summary>A payload filter that cannot be read; the message says what is wrong and where, for the tenant who wrote it.</summary>
internal sealed class FilterSyntaxException(string message) : Exception(message);
