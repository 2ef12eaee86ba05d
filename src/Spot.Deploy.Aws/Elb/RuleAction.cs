using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// One listener or rule action exactly as ELBv2 reported it. The fields a deployment reads are typed;
/// the complete element is kept, because ModifyListener / ModifyRule replace the whole action list and
/// everything in it (authentication configs, redirects, fixed responses, order, stickiness …) must be
/// sent back unchanged.
/// </summary>
public sealed class RuleAction
{
    private readonly XElement _element;

    internal RuleAction(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);

        // A detached copy: nobody can change the action behind our back, nor through us.
        _element = new XElement(element);
        Type = _element.String("Type") ?? string.Empty;
        Order = _element.Int32("Order");
        TargetGroupArn = _element.NonEmptyString("TargetGroupArn");
        if (_element.Child("ForwardConfig") is { } forward)
        {
            var groups = forward.Members("TargetGroups")
                .Where(member => member.NonEmptyString("TargetGroupArn") is not null)
                .Select(member => new WeightedTargetGroup(member.String("TargetGroupArn")!, member.Int32("Weight")))
                .ToArray();
            var stickiness = forward.Child("TargetGroupStickinessConfig") is { } sticky
                ? new TargetGroupStickiness(sticky.Boolean("Enabled") ?? false, sticky.Int32("DurationSeconds"))
                : null;
            ForwardConfig = new ForwardActionConfig(groups, stickiness);
        }
    }

    /// <summary><c>forward</c>, <c>authenticate-oidc</c>, <c>authenticate-cognito</c>, <c>redirect</c>, <c>fixed-response</c>, <c>jwt-validation</c>.</summary>
    public string Type { get; }

    /// <summary>The action's order (1–50000); the lowest runs first.</summary>
    public int? Order { get; }

    /// <summary>The single target group of a plain forward action.</summary>
    public string? TargetGroupArn { get; }

    /// <summary>The weighted target groups and stickiness, when present.</summary>
    public ForwardActionConfig? ForwardConfig { get; }

    /// <summary>True for a <c>forward</c> action.</summary>
    public bool IsForward => string.Equals(Type, "forward", StringComparison.Ordinal);

    /// <summary>
    /// Where a forward action sends traffic: <see cref="ForwardActionConfig.TargetGroups"/> when present,
    /// else <see cref="TargetGroupArn"/> (weight null). Empty for other actions.
    /// </summary>
    public IReadOnlyList<WeightedTargetGroup> ForwardTargetGroups =>
        !IsForward ? []
        : ForwardConfig is { TargetGroups.Count: > 0 } config ? config.TargetGroups
        : TargetGroupArn is not null ? [new WeightedTargetGroup(TargetGroupArn, null)]
        : [];

    /// <summary>Reads an action from its XML (as <see cref="ToXml"/> writes it), e.g. to restore a saved <see cref="RouteChange"/>.</summary>
    /// <exception cref="XmlException">The text is not XML.</exception>
    public static RuleAction Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new RuleAction(XElement.Parse(xml, LoadOptions.PreserveWhitespace));
    }

    /// <summary>The complete action as XML (the ELBv2 <c>member</c> element).</summary>
    public string ToXml() => _element.ToString(SaveOptions.DisableFormatting);

    /// <summary>A copy of the complete action element.</summary>
    internal XElement ToElement() => new(_element);

    /// <summary>A short description: type, order and forward targets.</summary>
    public override string ToString()
    {
        var text = Type + (Order is { } order ? string.Create(CultureInfo.InvariantCulture, $" (order {order})") : string.Empty);
        var groups = ForwardTargetGroups;
        if (groups.Count > 0)
        {
            text += " → " + string.Join(", ", groups.Select(g => g.Weight is { } w ? string.Create(CultureInfo.InvariantCulture, $"{g.TargetGroupArn} ({w})") : g.TargetGroupArn));
        }

        return text;
    }
}
