using System.Globalization;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// Pure operations on a route's complete action list: find the forward action, point it elsewhere
/// while keeping everything else, compare two lists the way ELBv2 would route them, and write a list
/// as request parameters.
/// </summary>
internal static class RouteActions
{
    /// <summary>The index of the only forward action; throws when there is none or more than one.</summary>
    public static int ForwardIndex(IReadOnlyList<RuleAction> actions, RouteRef route)
    {
        var found = -1;
        for (var index = 0; index < actions.Count; index++)
        {
            if (!actions[index].IsForward)
            {
                continue;
            }

            if (found >= 0)
            {
                throw new TrafficRouterConflictException(route, $"The {route} has more than one forward action; it cannot be switched safely.");
            }

            found = index;
        }

        if (found < 0 || actions[found].ForwardTargetGroups.Count == 0)
        {
            throw new TrafficRouterConflictException(route,
                $"The {route} does not forward to a target group (actions: {string.Join("; ", actions)}); it cannot be switched.");
        }

        return found;
    }

    /// <summary>The same list with the forward action sending everything to <paramref name="targetGroupArn"/> (stickiness and all other actions kept).</summary>
    public static IReadOnlyList<RuleAction> WithSingleForward(IReadOnlyList<RuleAction> actions, int forwardIndex, string targetGroupArn)
    {
        var element = actions[forwardIndex].ToElement();
        var ns = element.Name.Namespace;
        if (element.Child("TargetGroupArn") is { } plain)
        {
            plain.Value = targetGroupArn;
        }

        if (element.Child("ForwardConfig") is { } config)
        {
            // ELBv2 accepts TargetGroupArn together with a one-group ForwardConfig only when both name the same group.
            ReplaceTargetGroups(config, [(targetGroupArn, 1)]);
        }
        else if (element.Child("TargetGroupArn") is null)
        {
            element.Add(new XElement(ns + "TargetGroupArn", targetGroupArn));
        }

        return Replace(actions, forwardIndex, element);
    }

    /// <summary>The same list with the forward action weighted across <paramref name="groups"/> (stickiness and all other actions kept).</summary>
    public static IReadOnlyList<RuleAction> WithWeightedForward(IReadOnlyList<RuleAction> actions, int forwardIndex, IReadOnlyList<(string Arn, int Weight)> groups)
    {
        var element = actions[forwardIndex].ToElement();
        var ns = element.Name.Namespace;

        // TargetGroupArn may only accompany a ForwardConfig of one group.
        element.Child("TargetGroupArn")?.Remove();
        var config = element.Child("ForwardConfig");
        if (config is null)
        {
            config = new XElement(ns + "ForwardConfig");
            element.Add(config);
        }

        ReplaceTargetGroups(config, groups);
        return Replace(actions, forwardIndex, element);
    }

    /// <summary>
    /// True when both lists route the same way: same actions in the same order with the same content,
    /// where a forward is compared by its effective target groups (weights matter only when there are
    /// several) and stickiness (off ≡ absent), and the OIDC client secret, which ELBv2 never reports, is ignored.
    /// </summary>
    public static bool AreEquivalent(IReadOnlyList<RuleAction> left, IReadOnlyList<RuleAction> right) =>
        string.Equals(CanonicalKey(left), CanonicalKey(right), StringComparison.Ordinal);

    /// <summary>A text that is equal for equivalent action lists (see <see cref="AreEquivalent"/>).</summary>
    public static string CanonicalKey(IReadOnlyList<RuleAction> actions) =>
        string.Join("\n--\n", actions
            .Select((action, index) => (action, index))
            .OrderBy(pair => pair.action.Order ?? int.MaxValue)
            .ThenBy(pair => pair.index)
            .Select(pair => CanonicalKey(pair.action)));

    /// <summary>Adds the complete list as <c>listName.member.N…</c> (ModifyListener <c>DefaultActions</c>, ModifyRule <c>Actions</c>).</summary>
    public static void AddParameters(IReadOnlyList<RuleAction> actions, string listName, QueryParameters output)
    {
        for (var index = 0; index < actions.Count; index++)
        {
            var element = actions[index].ToElement();
            if (actions[index].Type == "authenticate-oidc" && element.Child("AuthenticateOidcConfig") is { } oidc && oidc.Child("ClientSecret") is null)
            {
                // ELBv2 never reports the client secret; re-sending the action without one requires this flag.
                SetChild(oidc, "UseExistingClientSecret", "true");
            }

            QueryXmlFlattener.FlattenMembers(element, QueryParameters.Member(listName, index + 1), output);
        }
    }

    private static string CanonicalKey(RuleAction action)
    {
        var element = action.ToElement();
        element.Child("TargetGroupArn")?.Remove();
        element.Child("ForwardConfig")?.Remove();
        if (element.Child("AuthenticateOidcConfig") is { } oidc)
        {
            oidc.Child("ClientSecret")?.Remove();
            oidc.Child("UseExistingClientSecret")?.Remove();
        }

        SortMapEntries(element);
        var pairs = QueryXmlFlattener.Flatten(element).Select(pair => pair.Key + "=" + pair.Value).ToList();
        if (action.IsForward)
        {
            var groups = action.ForwardTargetGroups;
            pairs.Add("@forward=" + (groups.Count == 1
                ? groups[0].TargetGroupArn
                : string.Join(",", groups
                    .Select(g => g.TargetGroupArn + ":" + (g.Weight ?? 1).ToString(CultureInfo.InvariantCulture))
                    .Order(StringComparer.Ordinal))));
            var stickiness = action.ForwardConfig?.Stickiness;
            pairs.Add("@sticky=" + (stickiness is { Enabled: true } ? "on:" + stickiness.DurationSeconds?.ToString(CultureInfo.InvariantCulture) : "off"));
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join("\n", pairs);
    }

    private static void SortMapEntries(XElement element)
    {
        foreach (var candidate in element.DescendantsAndSelf().ToList())
        {
            var children = candidate.Elements().ToList();
            if (children.Count > 1 && children.TrueForAll(c => c.Name.LocalName == "entry" && c.Child("key") is not null))
            {
                candidate.ReplaceNodes(children.OrderBy(c => c.Child("key")!.Value, StringComparer.Ordinal));
            }
        }
    }

    private static void ReplaceTargetGroups(XElement forwardConfig, IEnumerable<(string Arn, int Weight)> groups)
    {
        var ns = forwardConfig.Name.Namespace;
        var list = new XElement(ns + "TargetGroups", groups.Select(group => new XElement(ns + "member",
            new XElement(ns + "TargetGroupArn", group.Arn),
            new XElement(ns + "Weight", group.Weight.ToString(CultureInfo.InvariantCulture)))));
        if (forwardConfig.Child("TargetGroups") is { } existing)
        {
            existing.ReplaceWith(list);
        }
        else
        {
            forwardConfig.AddFirst(list);
        }
    }

    private static void SetChild(XElement parent, string localName, string value)
    {
        if (parent.Child(localName) is { } child)
        {
            child.Value = value;
        }
        else
        {
            parent.Add(new XElement(parent.Name.Namespace + localName, value));
        }
    }

    private static RuleAction[] Replace(IReadOnlyList<RuleAction> actions, int index, XElement element)
    {
        var copy = actions.ToArray();
        copy[index] = new RuleAction(element);
        return copy;
    }
}
