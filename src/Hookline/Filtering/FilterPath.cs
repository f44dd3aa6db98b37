using System.Text.Json;

namespace Hookline.Filtering;

/// <summary>A field of the payload, by the names of the properties that lead to it (<c>customer.address.country</c>).</summary>
internal sealed record FilterPath(IReadOnlyList<string> Names)
{
    /// <summary>
    /// The field's value, if every property on the way is there (of a repeated one, the last, as System.Text.Json deserializes it).
    /// </summary>
    public bool TryResolve(JsonElement payload, out JsonElement value)
    {
        value = payload;
        foreach (var name in Names)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => string.Join('.', Names);
}
