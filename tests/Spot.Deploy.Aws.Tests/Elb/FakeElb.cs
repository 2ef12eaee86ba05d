using System.Globalization;
using System.Net;
using System.Xml.Linq;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Elb;

/// <summary>
/// A small stateful ELBv2 over <see cref="FakeQueryTransport"/>: listeners with default actions, rules
/// with conditions and actions, target health. ModifyListener / ModifyRule rebuild the action list from the
/// request parameters (so whatever the router leaves out is lost, as on AWS), validate the parameters
/// against the botocore model, and store them the way ELBv2 reports them back: the client secret dropped,
/// a one-group forward reported both as <c>TargetGroupArn</c> and as <c>ForwardConfig</c>, stickiness
/// reported as disabled when not set.
/// </summary>
internal sealed class FakeElb
{
    private readonly Dictionary<string, (int Port, List<XElement> Actions)> _listeners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Listener, string Priority, List<XElement> Conditions, List<XElement> Actions)> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Id, int Port, string State, string? Reason)>> _health = new(StringComparer.Ordinal);

    public FakeElb()
    {
        Transport.Inspect = call =>
        {
            call.Service.Should().Be(AwsService.ElasticLoadBalancingV2);
            call.IsMutating.Should().Be(call.Action.StartsWith("Modify", StringComparison.Ordinal), $"{call.Action} is {(call.IsMutating ? string.Empty : "not ")}mutating");
            BotocoreModel.Elbv2.Problems(call.Action, call.Parameters).Should().BeEmpty();
        };
        Transport.Handle("DescribeListeners", DescribeListeners)
            .Handle("DescribeRules", DescribeRules)
            .Handle("ModifyListener", ModifyListener)
            .Handle("ModifyRule", ModifyRule)
            .Handle("DescribeTargetHealth", DescribeTargetHealth);
    }

    public FakeQueryTransport Transport { get; } = new();

    /// <summary>Virtual time: the router's pauses between modify attempts finish at once.</summary>
    public Spot.Deploy.Testing.VirtualClock Time { get; } = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(1) };

    public TrafficRouter Router => new(Transport, Time);

    public IReadOnlyList<QueryCall> Modifications => Transport.Calls.Where(c => c.IsMutating).ToArray();

    public static string DefaultRuleArn(string listenerArn) => listenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/0000default";

    public static string RuleArn(string listenerArn, int number) =>
        listenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/rule" + number.ToString("D4", CultureInfo.InvariantCulture);

    public FakeElb AddListener(string listenerArn, int port, params XElement[] defaultActions)
    {
        _listeners[listenerArn] = (port, defaultActions.Select(Stored).ToList());
        return this;
    }

    public FakeElb AddRule(string listenerArn, string ruleArn, int priority, XElement[] conditions, params XElement[] actions)
    {
        _rules[ruleArn] = (listenerArn, priority.ToString(CultureInfo.InvariantCulture), conditions.Select(c => new XElement(c)).ToList(), actions.Select(Stored).ToList());
        return this;
    }

    public FakeElb AddTarget(string targetGroupArn, string id, string state, string? reason = null, int port = 80)
    {
        if (!_health.TryGetValue(targetGroupArn, out var targets))
        {
            _health[targetGroupArn] = targets = [];
        }

        targets.Add((id, port, state, reason));
        return this;
    }

    /// <summary>Changes a route behind the router's back, as another operator would.</summary>
    public void SetDefaultActions(string listenerArn, params XElement[] actions) =>
        _listeners[listenerArn] = (_listeners[listenerArn].Port, actions.Select(Stored).ToList());

    public IReadOnlyList<RuleAction> DefaultActions(string listenerArn) => _listeners[listenerArn].Actions.Select(a => RuleAction.Parse(a.ToString(SaveOptions.DisableFormatting))).ToArray();

    public IReadOnlyList<RuleAction> RuleActions(string ruleArn) => _rules[ruleArn].Actions.Select(a => RuleAction.Parse(a.ToString(SaveOptions.DisableFormatting))).ToArray();

    public IReadOnlyList<XElement> RuleConditions(string ruleArn) => _rules[ruleArn].Conditions;

    /// <summary>Rebuilds <c>listName.member.N…</c> parameters into <c>member</c> elements (the inverse of the router's flattening).</summary>
    public static List<XElement> Unflatten(IEnumerable<KeyValuePair<string, string>> parameters, string listName)
    {
        var root = new XElement(Ns + listName);
        foreach (var (key, value) in parameters.Where(p => p.Key.StartsWith(listName + ".", StringComparison.Ordinal)))
        {
            var segments = key[(listName.Length + 1)..].Split('.');
            var current = root;
            for (var index = 0; index < segments.Length;)
            {
                if (segments[index] is "member" or "entry" && index + 1 < segments.Length && int.TryParse(segments[index + 1], CultureInfo.InvariantCulture, out var number))
                {
                    var items = current.Elements(Ns + segments[index]).ToList();
                    while (items.Count < number)
                    {
                        var item = new XElement(Ns + segments[index]);
                        current.Add(item);
                        items.Add(item);
                    }

                    current = items[number - 1];
                    index += 2;
                }
                else
                {
                    var child = current.Element(Ns + segments[index]);
                    if (child is null)
                    {
                        child = new XElement(Ns + segments[index]);
                        current.Add(child);
                    }

                    current = child;
                    index++;
                }
            }

            current.Value = value;
        }

        return root.Elements(Ns + "member").ToList();
    }

    private XElement DescribeListeners(QueryCall call)
    {
        var arns = call.Under("ListenerArns.member.").Select(p => p.Value).ToList();
        var selected = call["LoadBalancerArn"] is not null ? _listeners.Keys.ToList() : arns;
        foreach (var arn in arns.Where(a => !_listeners.ContainsKey(a)))
        {
            throw Error(HttpStatusCode.BadRequest, "ListenerNotFound", $"One or more listeners not found: {arn}", call.Action);
        }

        return Response("DescribeListeners", Members("Listeners", selected.Select(ListenerXml)));
    }

    private XElement DescribeRules(QueryCall call)
    {
        var members = new List<XElement>();
        if (call["ListenerArn"] is { } listenerArn)
        {
            members.Add(DefaultRuleXml(listenerArn));
            members.AddRange(_rules.Where(r => r.Value.Listener == listenerArn).Select(r => RuleXml(r.Key)));
        }

        foreach (var arn in call.Under("RuleArns.member.").Select(p => p.Value))
        {
            var listener = _listeners.Keys.FirstOrDefault(l => DefaultRuleArn(l) == arn);
            members.Add(listener is not null ? DefaultRuleXml(listener)
                : _rules.ContainsKey(arn) ? RuleXml(arn)
                : throw Error(HttpStatusCode.BadRequest, "RuleNotFound", $"One or more rules not found: {arn}", call.Action));
        }

        return Response("DescribeRules", Members("Rules", members));
    }

    private XElement ModifyListener(QueryCall call)
    {
        var arn = call["ListenerArn"]!;
        var actions = Accept(call, "DefaultActions");
        if (actions.Count > 0)
        {
            _listeners[arn] = (_listeners[arn].Port, actions);
        }

        return Response("ModifyListener", Members("Listeners", [ListenerXml(arn)]));
    }

    private XElement ModifyRule(QueryCall call)
    {
        var arn = call["RuleArn"]!;
        if (_listeners.Keys.Any(l => DefaultRuleArn(l) == arn))
        {
            throw Error(HttpStatusCode.BadRequest, "OperationNotPermitted", "The default rule cannot be modified with ModifyRule.", call.Action);
        }

        var rule = _rules[arn];
        var actions = Accept(call, "Actions");
        var conditions = call.Under("Conditions.").Count > 0 ? Unflatten(call.Parameters, "Conditions") : rule.Conditions;
        _rules[arn] = (rule.Listener, rule.Priority, conditions, actions.Count > 0 ? actions : rule.Actions);
        return Response("ModifyRule", Members("Rules", [RuleXml(arn)]));
    }

    private XElement DescribeTargetHealth(QueryCall call)
    {
        var targets = _health.GetValueOrDefault(call["TargetGroupArn"]!) ?? [];
        return Response("DescribeTargetHealth", Members("TargetHealthDescriptions", targets.Select(t => E("member",
            E("Target", E("Id", t.Id), E("Port", t.Port.ToString(CultureInfo.InvariantCulture))),
            E("HealthCheckPort", "traffic-port"),
            E("TargetHealth", E("State", t.State), t.Reason is null ? null : E("Reason", t.Reason), t.Reason is null ? null : E("Description", "Health checks failed"))))));
    }

    /// <summary>Validates the sent actions as ELBv2 does and stores them as ELBv2 reports them.</summary>
    private static List<XElement> Accept(QueryCall call, string listName)
    {
        var actions = Unflatten(call.Parameters, listName);
        foreach (var action in actions)
        {
            var type = action.Element(Ns + "Type")?.Value;
            var oidc = action.Element(Ns + "AuthenticateOidcConfig");
            if (type == "authenticate-oidc" && oidc?.Element(Ns + "ClientSecret") is null && oidc?.Element(Ns + "UseExistingClientSecret")?.Value != "true")
            {
                throw Error(HttpStatusCode.BadRequest, "ValidationError", "A client secret must be specified", call.Action);
            }

            if (type == "forward")
            {
                var groups = action.Element(Ns + "ForwardConfig")?.Element(Ns + "TargetGroups")?.Elements(Ns + "member").ToList() ?? [];
                var plain = action.Element(Ns + "TargetGroupArn")?.Value;
                if (plain is not null && (groups.Count > 1 || (groups.Count == 1 && groups[0].Element(Ns + "TargetGroupArn")?.Value != plain)))
                {
                    throw Error(HttpStatusCode.BadRequest, "ValidationError", "TargetGroupArn and ForwardConfig must name the same single target group", call.Action);
                }

                if (plain is null && groups.Count == 0)
                {
                    throw Error(HttpStatusCode.BadRequest, "ValidationError", "A forward action needs a target group", call.Action);
                }
            }
        }

        return actions.Select(Stored).ToList();
    }

    /// <summary>An action the way ELBv2 reports it back.</summary>
    private static XElement Stored(XElement action)
    {
        var copy = new XElement(Ns + "member", action.Nodes().Select(Renamespaced));
        var oidc = copy.Element(Ns + "AuthenticateOidcConfig");
        oidc?.Element(Ns + "ClientSecret")?.Remove();
        oidc?.Element(Ns + "UseExistingClientSecret")?.Remove();
        if (copy.Element(Ns + "Type")?.Value == "forward")
        {
            var plain = copy.Element(Ns + "TargetGroupArn")?.Value;
            var config = copy.Element(Ns + "ForwardConfig");
            if (config is null)
            {
                config = E("ForwardConfig", E("TargetGroups", E("member", E("TargetGroupArn", plain), E("Weight", "1"))));
                copy.Add(config);
            }

            var groups = config.Element(Ns + "TargetGroups")!.Elements(Ns + "member").ToList();
            if (plain is null && groups.Count == 1)
            {
                copy.Element(Ns + "Type")!.AddAfterSelf(E("TargetGroupArn", groups[0].Element(Ns + "TargetGroupArn")!.Value));
            }

            if (config.Element(Ns + "TargetGroupStickinessConfig") is null)
            {
                config.Add(E("TargetGroupStickinessConfig", E("Enabled", "false")));
            }
        }

        return copy;
    }

    private static XNode Renamespaced(XNode node) => node is XElement element
        ? new XElement(Ns + element.Name.LocalName, element.Nodes().Select(Renamespaced))
        : node;

    private XElement ListenerXml(string arn) => ListenerMember(arn, _listeners[arn].Port, _listeners[arn].Actions);

    private XElement DefaultRuleXml(string listenerArn) => RuleMember(DefaultRuleArn(listenerArn), "default", true, [], _listeners[listenerArn].Actions);

    private XElement RuleXml(string ruleArn)
    {
        var rule = _rules[ruleArn];
        return RuleMember(ruleArn, rule.Priority, false, rule.Conditions, rule.Actions);
    }

    private static AwsApiException Error(HttpStatusCode status, string code, string message, string action) =>
        new(status, code, message, "fake-request", "elasticloadbalancing", action);
}
