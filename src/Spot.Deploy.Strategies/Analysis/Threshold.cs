using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>How a measured value is compared with a threshold.</summary>
public enum Comparison
{
    /// <summary>Passes when the value is below the threshold (<c>&lt;</c>).</summary>
    LessThan,

    /// <summary><c>&lt;=</c>.</summary>
    LessThanOrEqual,

    /// <summary><c>&gt;</c>.</summary>
    GreaterThan,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterThanOrEqual,

    /// <summary><c>==</c>.</summary>
    Equal,
}

/// <summary>
/// What a measured value must be to pass, such as <c>&lt; 0.01</c> (an error ratio under 1 %) or <c>&gt;= 99.5</c>.
/// Written the same way in C#, PowerShell and the CLI's analysis file: <see cref="Parse"/> reads <c>"&lt; 0.01"</c>.
/// </summary>
public sealed record Threshold(Comparison Comparison, double Value)
{
    private static readonly (string Symbol, Comparison Comparison)[] Symbols =
        [("<=", Comparison.LessThanOrEqual), (">=", Comparison.GreaterThanOrEqual), ("==", Comparison.Equal), ("<", Comparison.LessThan), (">", Comparison.GreaterThan)];

    /// <summary>True when <paramref name="value"/> passes (NaN never does).</summary>
    /// <param name="value">The measured value.</param>
    /// <returns>Whether it passes.</returns>
    public bool IsMetBy(double value) => !double.IsNaN(value) && Comparison switch
    {
        Comparison.LessThan => value < Value,
        Comparison.LessThanOrEqual => value <= Value,
        Comparison.GreaterThan => value > Value,
        Comparison.GreaterThanOrEqual => value >= Value,
        _ => value == Value,
    };

    /// <summary>Reads <c>"&lt; 0.01"</c>, <c>"&gt;=99.5"</c>, <c>"== 0"</c>.</summary>
    /// <param name="text">An operator (<c>&lt; &lt;= &gt; &gt;= ==</c>) and a number (invariant culture).</param>
    /// <returns>The threshold.</returns>
    /// <exception cref="DeploymentValidationException">The text is not an operator and a finite number.</exception>
    public static Threshold Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var (symbol, comparison) in Symbols)
        {
            if (trimmed.StartsWith(symbol, StringComparison.Ordinal)
                && double.TryParse(trimmed[symbol.Length..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value))
            {
                return new Threshold(comparison, value);
            }
        }

        throw new DeploymentValidationException("threshold", $"'{text}' is not an operator (<, <=, >, >=, ==) followed by a number, such as '< 0.01'.");
    }

    /// <summary>The threshold as <see cref="Parse"/> reads it, e.g. <c>&lt; 0.01</c>.</summary>
    public override string ToString() =>
        Symbols.First(s => s.Comparison == Comparison).Symbol + " " + Value.ToString("R", CultureInfo.InvariantCulture);
}
