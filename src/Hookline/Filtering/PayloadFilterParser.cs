using System.Globalization;
using System.Text.Json;

namespace Hookline.Filtering;

/// <summary>
/// Reads a payload filter (docs/filters.md): comparisons of payload fields with JSON values, joined by <c>and</c>, <c>or</c>,
/// <c>not</c> and parentheses. <c>and</c> binds tighter than <c>or</c>. Bounded, so a hostile filter costs little to refuse.
/// </summary>
internal sealed class PayloadFilterParser
{
    /// <summary>The longest filter, in characters.</summary>
    public const int MaxLength = 1_000;

    private const int MaxDepth = 32;
    private const int MaxValues = 100;

    private readonly string _text;
    private int _at;
    private int _depth;

    private PayloadFilterParser(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>, or throws <see cref="FilterSyntaxException"/> saying what is wrong and where.</summary>
    public static FilterExpression Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new FilterSyntaxException($"It is {text.Length} characters long; a filter has at most {MaxLength}.");
        }

        var parser = new PayloadFilterParser(text);
        var filter = parser.ParseOr();
        parser.SkipSpace();
        if (parser._at < text.Length)
        {
            throw parser.Error($"Expected 'and', 'or' or the end of the filter, not {parser.Describe()}");
        }

        return filter;
    }

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryKeyword("or"))
        {
            left = new OrFilter(left, ParseAnd());
        }

        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseUnary();
        while (TryKeyword("and"))
        {
            left = new AndFilter(left, ParseUnary());
        }

        return left;
    }

    private FilterExpression ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"The filter nests more than {MaxDepth} deep");
        }

        try
        {
            if (TryKeyword("not"))
            {
                return new NotFilter(ParseUnary());
            }

            if (TrySymbol("("))
            {
                var inner = ParseOr();
                Expect(")");
                return inner;
            }

            if (TryKeyword("exists"))
            {
                Expect("(");
                var path = ParsePath();
                Expect(")");
                return new ExistsFilter(path);
            }

            return ParseComparison();
        }
        finally
        {
            _depth--;
        }
    }

    private FilterExpression ParseComparison()
    {
        var path = ParsePath();
        if (TryKeyword("in"))
        {
            Expect("[");
            var values = new List<FilterLiteral> { ParseLiteral() };
            while (TrySymbol(","))
            {
                if (values.Count == MaxValues)
                {
                    throw Error($"A list has at most {MaxValues} values");
                }

                values.Add(ParseLiteral());
            }

            Expect("]");
            return new InFilter(path, values);
        }

        FilterOperator? op = TrySymbol("==") ? FilterOperator.Equal
            : TrySymbol("!=") ? FilterOperator.NotEqual
            : TrySymbol("<=") ? FilterOperator.LessOrEqual
            : TrySymbol(">=") ? FilterOperator.GreaterOrEqual
            : TrySymbol("<") ? FilterOperator.Less
            : TrySymbol(">") ? FilterOperator.Greater
            : null;
        return op is { } known
            ? new CompareFilter(path, known, ParseLiteral())
            : throw Error($"Expected ==, !=, <, <=, >, >= or 'in' after '{path}', not {Describe()}");
    }

    private FilterPath ParsePath()
    {
        var names = new List<string> { ParseName() };
        while (TrySymbol("."))
        {
            names.Add(ParseName());
        }

        return new FilterPath(names);
    }

    private string ParseName()
    {
        SkipSpace();
        var start = _at;
        if (_at < _text.Length && IsNameStart(_text[_at]))
        {
            _at++;
            while (_at < _text.Length && IsNamePart(_text[_at]))
            {
                _at++;
            }
        }

        return _at > start ? _text[start.._at] : throw Error($"Expected a field name, not {Describe()}");
    }

    private FilterLiteral ParseLiteral()
    {
        SkipSpace();
        if (_at < _text.Length && _text[_at] == '"')
        {
            return FilterLiteral.String(ParseString());
        }

        if (_at < _text.Length && (_text[_at] == '-' || char.IsAsciiDigit(_text[_at])))
        {
            return FilterLiteral.Of(ParseNumber());
        }

        return TryKeyword("true") ? FilterLiteral.Boolean(true)
            : TryKeyword("false") ? FilterLiteral.Boolean(false)
            : TryKeyword("null") ? FilterLiteral.Null
            : throw Error($"Expected a value (a \"string\", a number, true, false or null), not {Describe()}");
    }

    private string ParseString()
    {
        var start = _at++;
        while (_at < _text.Length && _text[_at] != '"')
        {
            _at += _text[_at] == '\\' ? 2 : 1;
        }

        if (_at >= _text.Length)
        {
            _at = start;
            throw Error("This string has no closing quote");
        }

        _at++;
        try
        {
            // JSON's own rules for escapes and control characters.
            using var document = JsonDocument.Parse(_text.AsMemory(start, _at - start));
            return document.RootElement.GetString()!;
        }
        catch (JsonException)
        {
            _at = start;
            throw Error("This string is not a JSON string (escape \", \\ and control characters as JSON does)");
        }
    }

    private decimal ParseNumber()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] is '-' or '+' or '.' or 'e' or 'E'))
        {
            _at++;
        }

        var text = _text[start.._at];
        var isJson = text.Length > 0 && IsJsonNumber(text);
        if (isJson && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        _at = start;
        throw Error(isJson ? $"The number {text} is out of range" : $"'{text}' is not a JSON number");
    }

    private static bool IsJsonNumber(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == text.Length && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryKeyword(string keyword)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _at, keyword, 0, keyword.Length) != 0
            || (_at + keyword.Length < _text.Length && IsNamePart(_text[_at + keyword.Length])))
        {
            return false;
        }

        _at += keyword.Length;
        return true;
    }

    private bool TrySymbol(string symbol)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _at, symbol, 0, symbol.Length) != 0)
        {
            return false;
        }

        _at += symbol.Length;
        return true;
    }

    private void Expect(string symbol)
    {
        if (!TrySymbol(symbol))
        {
            throw Error($"Expected '{symbol}', not {Describe()}");
        }
    }

    private void SkipSpace()
    {
        while (_at < _text.Length && _text[_at] is ' ' or '\t' or '\r' or '\n')
        {
            _at++;
        }
    }

    private string Describe()
    {
        SkipSpace();
        if (_at >= _text.Length)
        {
            return "the end of the filter";
        }

        var c = _text[_at];
        return char.IsControl(c) ? $"the control character U+{(int)c:X4}" : $"'{c}'";
    }

    private FilterSyntaxException Error(string message) => new($"{message} (at character {_at + 1}).");

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-';
}
