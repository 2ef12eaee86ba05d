using System.Globalization;

namespace Spot.Deploy.Emulator;

/// <summary>A refused expression; the message is CloudWatch's style of saying where.</summary>
internal sealed class MetricMathException(string message) : Exception(message);

/// <summary>
/// The arithmetic of CloudWatch metric math: query ids, numbers, <c>+ - * /</c>, parentheses, unary minus and
/// <c>FILL(series, value)</c>. Two series combine at the timestamps both have; a series and a number combine at every
/// timestamp of the series; results that are not finite numbers (a division by zero) are dropped. <c>FILL</c> gives
/// every period of the request a value, the one given where the series has none.
/// </summary>
internal sealed class MetricMath
{
    private readonly string _text;
    private readonly Func<string, MetricSeries> _resolve;
    private int _position;

    private MetricMath(string text, Func<string, MetricSeries> resolve)
    {
        _text = text;
        _resolve = resolve;
    }

    /// <summary>Evaluates an expression whose ids <paramref name="resolve"/> turns into series; the result is always a series over <paramref name="grid"/>.</summary>
    public static MetricSeries Evaluate(string expression, Func<string, MetricSeries> resolve, IReadOnlyList<DateTimeOffset> grid)
    {
        var math = new MetricMath(expression, resolve);
        var value = math.Sum();
        math.SkipSpaces();
        if (math._position < expression.Length)
        {
            throw math.Unexpected();
        }

        return value.Series ?? new MetricSeries(grid, new SortedDictionary<DateTimeOffset, double>(grid.ToDictionary(t => t, _ => value.Number)));
    }

    private Value Sum()
    {
        var left = Product();
        while (Accept('+') || Accept('-'))
        {
            var plus = _text[_position - 1] == '+';
            var right = Product();
            left = Combine(left, right, plus ? (a, b) => a + b : (a, b) => a - b);
        }

        return left;
    }

    private Value Product()
    {
        var left = Unary();
        while (Accept('*') || Accept('/'))
        {
            var times = _text[_position - 1] == '*';
            var right = Unary();
            left = Combine(left, right, times ? (a, b) => a * b : (a, b) => a / b);
        }

        return left;
    }

    private Value Unary() => Accept('-') ? Combine(new Value(0, null), Unary(), (a, b) => a - b) : Primary();

    private Value Primary()
    {
        SkipSpaces();
        if (Accept('('))
        {
            var inner = Sum();
            Expect(')');
            return inner;
        }

        var start = _position;
        if (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.'))
        {
            while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] is '.' or 'e' or 'E'))
            {
                _position++;
            }

            return double.TryParse(_text[start.._position], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? new Value(number, null)
                : throw new MetricMathException($"Invalid number '{_text[start.._position]}' at position {start}.");
        }

        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        var name = _text[start.._position];
        if (name.Length == 0)
        {
            throw Unexpected();
        }

        if (Accept('('))
        {
            return Function(name);
        }

        return char.IsAsciiLetterLower(name[0])
            ? new Value(0, _resolve(name))
            : throw new MetricMathException($"Unknown identifier '{name}' at position {start}: ids start with a lower-case letter.");
    }

    private Value Function(string name)
    {
        if (name != "FILL")
        {
            throw new MetricMathException($"Unsupported function '{name}': the emulator knows FILL and + - * /.");
        }

        var series = Sum().Series ?? throw new MetricMathException("FILL needs a time series as its first argument.");
        Expect(',');
        var fill = Sum();
        Expect(')');
        if (fill.Series is not null)
        {
            throw new MetricMathException("The emulator's FILL takes a number as its second argument.");
        }

        var points = new SortedDictionary<DateTimeOffset, double>(series.Points);
        foreach (var at in series.Grid)
        {
            points.TryAdd(at, fill.Number);
        }

        return new Value(0, series with { Points = points });
    }

    private static Value Combine(Value left, Value right, Func<double, double, double> operation)
    {
        if (left.Series is null && right.Series is null)
        {
            return new Value(operation(left.Number, right.Number), null);
        }

        var grid = (left.Series ?? right.Series)!.Grid;
        var points = new SortedDictionary<DateTimeOffset, double>();
        var timestamps = left.Series is { } l && right.Series is { } r
            ? l.Points.Keys.Where(r.Points.ContainsKey)
            : (left.Series ?? right.Series)!.Points.Keys;
        foreach (var at in timestamps)
        {
            var result = operation(left.Series?.Points[at] ?? left.Number, right.Series?.Points[at] ?? right.Number);
            if (double.IsFinite(result))
            {
                points[at] = result;
            }
        }

        return new Value(0, new MetricSeries(grid, points));
    }

    private bool Accept(char expected)
    {
        SkipSpaces();
        if (_position < _text.Length && _text[_position] == expected)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(char expected)
    {
        if (!Accept(expected))
        {
            throw new MetricMathException($"Expected '{expected}' at position {_position}.");
        }
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private MetricMathException Unexpected() =>
        new(_position < _text.Length ? $"Unexpected '{_text[_position]}' at position {_position}." : "Unexpected end of expression.");

    /// <summary>A number, or a series (then <see cref="Number"/> is unused).</summary>
    private readonly record struct Value(double Number, MetricSeries? Series);
}
