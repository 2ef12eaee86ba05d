using System.Globalization;

namespace Spot.Deploy.Aws;

/// <summary>
/// An ordered list of form parameters for one AWS query-protocol call (without <c>Action</c> and
/// <c>Version</c>, which the transport adds). The order is kept as added, so requests are deterministic.
/// </summary>
/// <remarks>
/// ELBv2 (<c>query</c> protocol) lists insert <c>member</c>, <c>ListenerArns.member.1</c> (<see cref="AddMemberList"/>);
/// indexes start at 1. (EC2's own list spelling, <c>Owner.1</c>, is AWSSDK.EC2's business.)
/// </remarks>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    /// <summary>How many parameters have been added.</summary>
    public int Count => _items.Count;

    /// <summary>Adds one parameter.</summary>
    public QueryParameters Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _items.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    /// <summary>Adds an integer, formatted invariantly.</summary>
    public QueryParameters Add(string name, int value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a boolean as <c>true</c> / <c>false</c> (the wire spelling, not .NET's <c>True</c>).</summary>
    public QueryParameters Add(string name, bool value) => Add(name, value ? "true" : "false");

    /// <summary>Adds the parameter only when <paramref name="value"/> is not null.</summary>
    public QueryParameters AddIfNotNull(string name, string? value) => value is null ? this : Add(name, value);

    /// <summary>ELBv2 style list: <c>prefix.member.1</c>, <c>prefix.member.2</c> … (nothing for an empty list).</summary>
    public QueryParameters AddMemberList(string prefix, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var index = 0;
        foreach (var value in values)
        {
            index++;
            Add(Member(prefix, index), value);
        }

        return this;
    }

    /// <summary>Appends already flattened parameters in their order.</summary>
    public QueryParameters AddRange(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var parameter in parameters)
        {
            Add(parameter.Key, parameter.Value);
        }

        return this;
    }

    /// <summary>A snapshot of the parameters in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToList() => _items.ToArray();

    /// <summary><c>prefix.member.index</c> (query protocol lists).</summary>
    public static string Member(string prefix, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}.member.{index}");
}
