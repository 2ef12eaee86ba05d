using System.Xml;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// One rule condition as ELBv2 reported it: the field and its values typed, the complete element kept
/// (header names, query-string pairs, regex values, source IP settings …).
/// </summary>
public sealed class RuleCondition
{
    private static readonly string[] ConfigNames =
        ["HostHeaderConfig", "PathPatternConfig", "HttpHeaderConfig", "HttpRequestMethodConfig", "SourceIpConfig"];

    private readonly XElement _element;

    internal RuleCondition(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _element = new XElement(element);
        Field = _element.String("Field") ?? string.Empty;
        Values = ReadValues(_element);
    }

    /// <summary><c>host-header</c>, <c>path-pattern</c>, <c>http-header</c>, <c>http-request-method</c>, <c>query-string</c>, <c>source-ip</c>.</summary>
    public string Field { get; }

    /// <summary>
    /// The condition's values: the top-level <c>Values</c>, else the field's config values
    /// (<c>HostHeaderConfig.Values</c> …); query-string pairs as <c>key=value</c> (<c>=value</c> without a key).
    /// </summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Reads a condition from its XML (as <see cref="ToXml"/> writes it).</summary>
    /// <exception cref="XmlException">The text is not XML.</exception>
    public static RuleCondition Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new RuleCondition(XElement.Parse(xml, LoadOptions.PreserveWhitespace));
    }

    /// <summary>The complete condition as XML (the ELBv2 <c>member</c> element).</summary>
    public string ToXml() => _element.ToString(SaveOptions.DisableFormatting);

    /// <summary>A copy of the complete condition element.</summary>
    internal XElement ToElement() => new(_element);

    /// <inheritdoc />
    public override string ToString() => Field + " [" + string.Join(", ", Values) + "]";

    private static string[] ReadValues(XElement element)
    {
        if (element.Child("Values") is { } values && values.HasElements)
        {
            return values.Children("member").Select(member => member.Value).ToArray();
        }

        foreach (var name in ConfigNames)
        {
            if (element.Child(name) is { } config && config.Child("Values") is { HasElements: true })
            {
                return config.MemberStrings("Values").ToArray();
            }
        }

        if (element.Child("QueryStringConfig") is { } query)
        {
            return query.Members("Values").Select(pair => (pair.String("Key") ?? string.Empty) + "=" + (pair.String("Value") ?? string.Empty)).ToArray();
        }

        return [];
    }
}
