using System.Text.Json;

namespace Hookline.Filtering;

/// <summary>A node of a parsed payload filter: it tells whether a payload matches.</summary>
internal abstract record FilterExpression
{
    public abstract bool Matches(JsonElement payload);
}

/// <summary>Both sides match.</summary>
internal sealed record AndFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonElement payload) => Left.Matches(payload) && Right.Matches(payload);
}

/// <summary>Either side matches.</summary>
internal sealed record OrFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonElement payload) => Left.Matches(payload) || Right.Matches(payload);
}

/// <summary>The operand does not match.</summary>
internal sealed record NotFilter(FilterExpression Operand) : FilterExpression
{
    public override bool Matches(JsonElement payload) => !Operand.Matches(payload);
}

/// <summary><c>exists(path)</c>: the field is present and not null.</summary>
internal sealed record ExistsFilter(FilterPath Path) : FilterExpression
{
    public override bool Matches(JsonElement payload) =>
        Path.TryResolve(payload, out var value) && value.ValueKind != JsonValueKind.Null;
}

/// <summary>
/// <c>path op literal</c>. An absent field matches nothing but <c>!=</c>, so that <c>a != x</c> is always <c>not (a == x)</c>;
/// an order (<c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>) compares numbers only.
/// </summary>
internal sealed record CompareFilter(FilterPath Path, FilterOperator Operator, FilterLiteral Value) : FilterExpression
{
    public override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var field))
        {
            return Operator == FilterOperator.NotEqual;
        }

        return Operator switch
        {
            FilterOperator.Equal => Value.EqualsElement(field),
            FilterOperator.NotEqual => !Value.EqualsElement(field),
            _ => Value.CompareToElement(field) is { } order && Operator switch
            {
                FilterOperator.Less => order > 0,
                FilterOperator.LessOrEqual => order >= 0,
                FilterOperator.Greater => order < 0,
                _ => order <= 0,
            },
        };
    }
}

/// <summary><c>path in [literal, ...]</c>: the field equals one of the values.</summary>
internal sealed record InFilter(FilterPath Path, IReadOnlyList<FilterLiteral> Values) : FilterExpression
{
    public override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var field))
        {
            return false;
        }

        foreach (var value in Values)
        {
            if (value.EqualsElement(field))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The comparison operators.</summary>
internal enum FilterOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
