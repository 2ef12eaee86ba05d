using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// ELBv2 (<c>query</c> protocol, API version 2015-12-01) under <see cref="SpotDeployEmulator.ElasticLoadBalancingPrefix"/>:
/// load balancers, listeners, rules, target groups and target health, with ModifyListener / ModifyRule
/// replacing whole action lists and refusing what ELBv2 refuses. Actions and conditions are kept as the
/// parameter trees the client sent, so every field comes back in Describe* as ELBv2 reports it.
/// </summary>
internal static class ElbApi
{
    /// <summary>The namespace of ELBv2 answers.</summary>
    internal static readonly XNamespace Namespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    private const int MaxPageSize = 400;

    private static readonly string[] ActionTypes = ["forward", "authenticate-oidc", "authenticate-cognito", "redirect", "fixed-response", "jwt-validation"];

    private static readonly string[] RoutingActionTypes = ["forward", "redirect", "fixed-response"];

    internal static void Map(WebApplication app, SpotDeployEmulator emulator)
    {
        RequestDelegate handler = context => HandleAsync(context, emulator);
        app.MapPost(SpotDeployEmulator.ElasticLoadBalancingPrefix, handler);
    }

    private static async Task HandleAsync(HttpContext context, SpotDeployEmulator emulator)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var request = new ElbRequest([.. form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))]);
        var action = form["Action"].ToString();
        AwsAnswer answer;
        lock (emulator.State.Gate)
        {
            try
            {
                var state = emulator.State;
                answer = action switch
                {
                    "DescribeLoadBalancers" => DescribeLoadBalancers(state, request),
                    "DescribeListeners" => DescribeListeners(state, request),
                    "DescribeRules" => DescribeRules(state, request),
                    "DescribeTargetGroups" => DescribeTargetGroups(state, request),
                    "DescribeTargetHealth" => DescribeTargetHealth(state, request),
                    "ModifyListener" => ModifyListener(state, request),
                    "ModifyRule" => ModifyRule(state, request),
                    "" => AwsAnswer.Error(400, "MissingAction", "The request must contain the parameter Action."),
                    _ => AwsAnswer.Error(400, "InvalidAction", $"The action {action} is not valid for this web service."),
                };
            }
            catch (ElbRefusal refusal)
            {
                answer = AwsAnswer.Error(400, refusal.Code, refusal.Message);
            }
        }

        await answer.WriteAsync(context, "elasticloadbalancing").ConfigureAwait(false);
    }

    private static AwsAnswer DescribeLoadBalancers(EmulatorState state, ElbRequest request)
    {
        var arns = request.Members("LoadBalancerArns");
        var names = request.Members("Names");
        if (arns.Count > 0 && names.Count > 0)
        {
            throw Validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
        }

        IReadOnlyList<ElbLoadBalancer> selected = state.LoadBalancers;
        if (arns.Count > 0)
        {
            selected = [.. arns.Distinct(StringComparer.Ordinal).Select(arn => RequireLoadBalancer(state, arn))];
        }
        else if (names.Count > 0)
        {
            var unknown = names.Where(name => !state.LoadBalancers.Any(lb => lb.Name == name)).ToList();
            if (unknown.Count > 0)
            {
                throw new ElbRefusal("LoadBalancerNotFound", $"Load balancers '[{string.Join(", ", unknown)}]' not found");
            }

            selected = [.. state.LoadBalancers.Where(lb => names.Contains(lb.Name, StringComparer.Ordinal))];
        }

        var (page, nextMarker) = Paginate(selected, request);
        return Answer("DescribeLoadBalancers", nextMarker, Members("LoadBalancers", page.Select(LoadBalancerMember)));
    }

    private static AwsAnswer DescribeListeners(EmulatorState state, ElbRequest request)
    {
        var loadBalancerArn = request.Single("LoadBalancerArn");
        var arns = request.Members("ListenerArns");
        if (loadBalancerArn is null && arns.Count == 0)
        {
            throw Validation("You must specify either listener ARNs or a load balancer ARN");
        }

        if (loadBalancerArn is not null && arns.Count > 0)
        {
            throw Validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
        }

        IReadOnlyList<ElbListener> selected;
        if (loadBalancerArn is not null)
        {
            var loadBalancer = RequireLoadBalancer(state, loadBalancerArn);
            selected = [.. state.Listeners.Where(l => l.LoadBalancerArn == loadBalancer.Arn)];
        }
        else
        {
            selected = [.. arns.Distinct(StringComparer.Ordinal).Select(arn => RequireListener(state, arn))];
        }
        var (page, nextMarker) = Paginate(selected, request);
        return Answer("DescribeListeners", nextMarker, Members("Listeners", page.Select(ListenerMember)));
    }

    private static AwsAnswer DescribeRules(EmulatorState state, ElbRequest request)
    {
        var listenerArn = request.Single("ListenerArn");
        var arns = request.Members("RuleArns");
        if (listenerArn is null && arns.Count == 0)
        {
            throw Validation("You must specify either listener or rule ARNs");
        }

        if (listenerArn is not null && arns.Count > 0)
        {
            throw Validation("Listener ARN and rule ARNs cannot be specified at the same time");
        }

        var selected = new List<XElement>();
        if (listenerArn is not null)
        {
            var listener = RequireListener(state, listenerArn);
            selected.AddRange(state.RulesOf(listener.Arn).Select(RuleMember));
            selected.Add(DefaultRuleMember(listener));
        }
        else
        {
            CheckArn(arns, ":listener-rule/", "rule");
            foreach (var arn in arns.Distinct(StringComparer.Ordinal))
            {
                selected.Add(state.FindRule(arn) is { } rule ? RuleMember(rule)
                    : state.FindListenerByDefaultRule(arn) is { } owner ? DefaultRuleMember(owner)
                    : throw new ElbRefusal("RuleNotFound", "One or more rules not found"));
            }
        }

        var (page, nextMarker) = Paginate(selected, request);
        return Answer("DescribeRules", nextMarker, Members("Rules", page));
    }

    private static AwsAnswer DescribeTargetGroups(EmulatorState state, ElbRequest request)
    {
        var loadBalancerArn = request.Single("LoadBalancerArn");
        var arns = request.Members("TargetGroupArns");
        var names = request.Members("Names");
        if ((loadBalancerArn is null ? 0 : 1) + (arns.Count > 0 ? 1 : 0) + (names.Count > 0 ? 1 : 0) > 1)
        {
            throw Validation("Only one of load balancer ARN, target group ARNs or names can be specified");
        }

        IReadOnlyList<ElbTargetGroup> selected = state.TargetGroups;
        if (loadBalancerArn is not null)
        {
            var used = state.TargetGroupsUsedBy(RequireLoadBalancer(state, loadBalancerArn).Arn).ToList();
            selected = [.. used.Select(arn => state.FindTargetGroup(arn)).OfType<ElbTargetGroup>()];
        }
        else if (arns.Count > 0)
        {
            selected = [.. arns.Distinct(StringComparer.Ordinal).Select(arn => RequireTargetGroup(state, arn))];
        }
        else if (names.Count > 0)
        {
            if (names.Any(name => !state.TargetGroups.Any(tg => tg.Name == name)))
            {
                throw new ElbRefusal("TargetGroupNotFound", "One or more target groups not found");
            }

            selected = [.. state.TargetGroups.Where(tg => names.Contains(tg.Name, StringComparer.Ordinal))];
        }

        var (page, nextMarker) = Paginate(selected, request);
        return Answer("DescribeTargetGroups", nextMarker, Members("TargetGroups", page.Select(tg => TargetGroupMember(state, tg))));
    }

    private static AwsAnswer DescribeTargetHealth(EmulatorState state, ElbRequest request)
    {
        var arn = request.Single("TargetGroupArn") ?? throw Validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null");
        var group = RequireTargetGroup(state, arn);
        var registered = state.TargetsOf(group);
        var asked = QueryNode.Parse(request.Parameters, "Targets")?.Items ?? [];
        var port = group.Port.ToString(CultureInfo.InvariantCulture);
        IEnumerable<(string Id, string State)> described = asked.Count == 0
            ? registered
            : asked.Select(target => target.Text("Id") ?? throw Validation("A target ID must be specified"))
                .Select(id => registered.FirstOrDefault(r => r.InstanceId == id) is { InstanceId: not null } found ? (id, found.State) : (id, "unused"));
        var ns = Namespace;
        return Answer("DescribeTargetHealth", null, Members("TargetHealthDescriptions", described.Select(target =>
        {
            var (reason, description) = target.State switch
            {
                "initial" => ("Elb.RegistrationInProgress", "Target registration is in progress"),
                "unhealthy" => ("Target.FailedHealthChecks", "Health checks failed"),
                "draining" => ("Target.DeregistrationInProgress", "Target deregistration is in progress"),
                "unused" => ("Target.NotRegistered", "Target is not registered to the target group"),
                _ => ((string?)null, (string?)null),
            };
            var health = new XElement(ns + "TargetHealth", new XElement(ns + "State", target.State));
            if (reason is not null)
            {
                health.Add(new XElement(ns + "Reason", reason), new XElement(ns + "Description", description));
            }

            return new XElement(ns + "member",
                new XElement(ns + "HealthCheckPort", port),
                health,
                new XElement(ns + "Target", new XElement(ns + "Port", port), new XElement(ns + "Id", target.Id)));
        })));
    }

    private static AwsAnswer ModifyListener(EmulatorState state, ElbRequest request)
    {
        var arn = request.Single("ListenerArn") ?? throw Validation("1 validation error detected: Value null at 'listenerArn' failed to satisfy constraint: Member must not be null");
        var listener = RequireListener(state, arn);
        int? port = null;
        if (request.Single("Port") is { } portText)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
            {
                throw Validation($"1 validation error detected: Value '{portText}' at 'port' failed to satisfy constraint: Member must have value between 1 and 65535");
            }

            if (state.Listeners.Any(l => l.LoadBalancerArn == listener.LoadBalancerArn && l.Port == value && l != listener))
            {
                throw new ElbRefusal("DuplicateListener", "A listener already exists on this port for this load balancer");
            }

            port = value;
        }

        var protocol = request.Single("Protocol");
        if (protocol is not null and not ("HTTP" or "HTTPS"))
        {
            throw new ElbRefusal("UnsupportedProtocol", $"Protocol '{protocol}' is not supported with Application Load Balancers");
        }

        List<QueryNode>? actions = null;
        if (QueryNode.Parse(request.Parameters, "DefaultActions") is { } sent)
        {
            actions = CheckActions(state, sent, "defaultActions", listener.LoadBalancerArn, listener.DefaultActions);
        }

        // Every check passed: only now change anything.
        listener.Port = port ?? listener.Port;
        listener.Protocol = protocol ?? listener.Protocol;
        listener.DefaultActions = actions ?? listener.DefaultActions;
        return Answer("ModifyListener", null, Members("Listeners", [ListenerMember(listener)]));
    }

    private static AwsAnswer ModifyRule(EmulatorState state, ElbRequest request)
    {
        var arn = request.Single("RuleArn") ?? throw Validation("1 validation error detected: Value null at 'ruleArn' failed to satisfy constraint: Member must not be null");
        CheckArn([arn], ":listener-rule/", "rule");
        if (state.FindListenerByDefaultRule(arn) is not null)
        {
            throw new ElbRefusal("OperationNotPermitted", "Default rules cannot be modified; use ModifyListener to change the default actions");
        }

        var rule = state.FindRule(arn) ?? throw new ElbRefusal("RuleNotFound", "One or more rules not found");
        var listener = RequireListener(state, rule.ListenerArn);
        List<QueryNode>? actions = null;
        if (QueryNode.Parse(request.Parameters, "Actions") is { } sentActions)
        {
            actions = CheckActions(state, sentActions, "actions", listener.LoadBalancerArn, rule.Actions);
        }

        List<QueryNode>? conditions = null;
        if (QueryNode.Parse(request.Parameters, "Conditions") is { } sentConditions)
        {
            conditions = CheckConditions(sentConditions);
        }

        rule.Actions = actions ?? rule.Actions;
        rule.Conditions = conditions ?? rule.Conditions;
        return Answer("ModifyRule", null, Members("Rules", [RuleMember(rule)]));
    }

    /// <summary>
    /// Checks a whole action list as ELBv2 does and returns it completed as ELBv2 reports it (forward
    /// actions with both spellings and stickiness; an OIDC secret carried over when asked to).
    /// </summary>
    private static List<QueryNode> CheckActions(EmulatorState state, QueryNode sent, string listName, string loadBalancerArn, IReadOnlyList<QueryNode> previous)
    {
        var actions = sent.Items ?? [];
        if (actions.Count == 0)
        {
            throw Validation($"1 validation error detected: Value '[]' at '{listName}' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        var orders = new List<int>();
        for (var index = 0; index < actions.Count; index++)
        {
            var action = actions[index];
            var where = string.Create(CultureInfo.InvariantCulture, $"{listName}.{index + 1}.member");
            var type = action.Members is null ? null : action.Text("Type");
            if (type is null)
            {
                throw Validation($"1 validation error detected: Value null at '{where}.type' failed to satisfy constraint: Member must not be null");
            }

            if (!ActionTypes.Contains(type, StringComparer.Ordinal))
            {
                throw Validation($"1 validation error detected: Value '{type}' at '{where}.type' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", ActionTypes)}]");
            }

            if (action.Text("Order") is { } orderText)
            {
                if (!int.TryParse(orderText, NumberStyles.None, CultureInfo.InvariantCulture, out var order) || order is < 1 or > 50000)
                {
                    throw Validation($"1 validation error detected: Value '{orderText}' at '{where}.order' failed to satisfy constraint: Member must have value between 1 and 50000");
                }

                orders.Add(order);
            }

            switch (type)
            {
                case "forward":
                    CheckForward(state, action, where, loadBalancerArn);
                    QueryShapes.CompleteForward(action);
                    break;
                case "redirect":
                    if (action["RedirectConfig"]?.Text("StatusCode") is not ("HTTP_301" or "HTTP_302"))
                    {
                        throw Validation($"A redirect action at '{where}' needs RedirectConfig.StatusCode HTTP_301 or HTTP_302");
                    }

                    break;
                case "fixed-response":
                    if (action["FixedResponseConfig"]?.Text("StatusCode") is not { Length: 3 } status || status[0] is not ('2' or '4' or '5') || !status.All(char.IsAsciiDigit))
                    {
                        throw Validation($"A fixed-response action at '{where}' needs FixedResponseConfig.StatusCode 2XX, 4XX or 5XX");
                    }

                    break;
                case "authenticate-oidc":
                    CheckOidc(action, where, previous);
                    break;
                case "authenticate-cognito":
                    RequireConfig(action, "AuthenticateCognitoConfig", where, "UserPoolArn", "UserPoolClientId", "UserPoolDomain");
                    break;
                default:
                    RequireConfig(action, "JwtValidationConfig", where, "JwksEndpoint", "Issuer");
                    break;
            }
        }

        var routing = actions.Where(a => RoutingActionTypes.Contains(a.Text("Type"), StringComparer.Ordinal)).ToList();
        if (routing.Count != 1)
        {
            throw new ElbRefusal("InvalidLoadBalancerAction", "Exactly one forward, redirect or fixed-response action must be specified");
        }

        if (actions.Count > 1)
        {
            if (orders.Count != actions.Count)
            {
                throw Validation("An action order must be specified for each action when more than one action is specified");
            }

            if (orders.Distinct().Count() != orders.Count)
            {
                throw Validation("Action orders must be unique");
            }

            if (int.Parse(routing[0].Text("Order")!, CultureInfo.InvariantCulture) != orders.Max())
            {
                throw new ElbRefusal("InvalidLoadBalancerAction", "The forward, redirect or fixed-response action must be the last action to be performed");
            }
        }

        return [.. actions];
    }

    private static void CheckForward(EmulatorState state, QueryNode action, string where, string loadBalancerArn)
    {
        if (action["ForwardConfig"] is { Members: null } emptyConfig)
        {
            // "ForwardConfig=" is how an empty structure is sent: the same as none.
            if (emptyConfig.Items is not null || emptyConfig.Entries is not null || !string.IsNullOrEmpty(emptyConfig.Value))
            {
                throw Validation($"ForwardConfig at '{where}' must be a structure");
            }

            action.Remove("ForwardConfig");
        }

        var plain = action.Text("TargetGroupArn");
        var config = action["ForwardConfig"];
        var groups = config?.ListOf("TargetGroups") ?? [];
        if (string.IsNullOrEmpty(plain) && groups.Count == 0)
        {
            throw Validation($"A forward action at '{where}' needs a TargetGroupArn or ForwardConfig.TargetGroups");
        }

        var arns = new List<string>();
        for (var index = 0; index < groups.Count; index++)
        {
            var group = groups[index];
            var arn = group.Text("TargetGroupArn");
            if (string.IsNullOrEmpty(arn))
            {
                throw Validation(string.Create(CultureInfo.InvariantCulture, $"1 validation error detected: Value null at '{where}.forwardConfig.targetGroups.{index + 1}.member.targetGroupArn' failed to satisfy constraint: Member must not be null"));
            }

            if (group.Text("Weight") is { } weightText
                && (!int.TryParse(weightText, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 999))
            {
                throw Validation(string.Create(CultureInfo.InvariantCulture, $"1 validation error detected: Value '{weightText}' at '{where}.forwardConfig.targetGroups.{index + 1}.member.weight' failed to satisfy constraint: Member must have value between 0 and 999"));
            }

            if (arns.Contains(arn, StringComparer.Ordinal))
            {
                throw Validation($"Target group '{arn}' is specified more than once in the forward action");
            }

            arns.Add(arn);
        }

        if (!string.IsNullOrEmpty(plain))
        {
            if (arns.Count > 1)
            {
                throw Validation("You cannot specify a target group ARN together with a forward config that has more than one target group");
            }

            if (arns.Count == 1 && arns[0] != plain)
            {
                throw Validation("The target group ARN and the target group of the forward config must be the same");
            }

            if (arns.Count == 0)
            {
                arns.Add(plain);
            }
        }

        if (config?["TargetGroupStickinessConfig"] is { } stickiness)
        {
            var enabled = stickiness.Text("Enabled");
            if (enabled is not (null or "true" or "false"))
            {
                throw Validation($"1 validation error detected: Value '{enabled}' at '{where}.forwardConfig.targetGroupStickinessConfig.enabled' failed to satisfy constraint: Member must be true or false");
            }

            var duration = stickiness.Text("DurationSeconds");
            if (duration is not null
                && (!int.TryParse(duration, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 604800))
            {
                throw Validation($"Target group stickiness duration must be between 1 and 604800 seconds (was '{duration}')");
            }

            if (enabled == "true" && duration is null)
            {
                throw Validation("Target group stickiness duration must be specified when stickiness is enabled");
            }
        }

        foreach (var arn in arns)
        {
            CheckArn([arn], ":targetgroup/", "target group");
            if (state.FindTargetGroup(arn) is null)
            {
                throw new ElbRefusal("TargetGroupNotFound", $"Target groups '{arn}' not found");
            }

            if (state.LoadBalancersOf(arn).Any(other => other != loadBalancerArn))
            {
                throw new ElbRefusal("TargetGroupAssociationLimit", $"The following target groups cannot be associated with more than one load balancer: {arn}");
            }
        }
    }

    /// <summary>
    /// An OIDC action needs its identity provider and a client secret — sent, or kept from the action it
    /// replaces with <c>UseExistingClientSecret</c> (ELBv2 never reports the secret, so clients re-sending an
    /// action cannot know it).
    /// </summary>
    private static void CheckOidc(QueryNode action, string where, IReadOnlyList<QueryNode> previous)
    {
        var config = RequireConfig(action, "AuthenticateOidcConfig", where, "Issuer", "AuthorizationEndpoint", "TokenEndpoint", "UserInfoEndpoint", "ClientId");
        var useExisting = config.Text("UseExistingClientSecret") == "true";
        config.Remove("UseExistingClientSecret");
        if (useExisting)
        {
            var existing = previous.Where(p => p.Text("Type") == "authenticate-oidc")
                .Select(p => p["AuthenticateOidcConfig"]?.Text("ClientSecret"))
                .FirstOrDefault(secret => secret is not null)
                ?? throw Validation($"There is no existing client secret to use for the authenticate-oidc action at '{where}'");
            config.Set("ClientSecret", QueryNode.Leaf(existing));
        }
        else if (string.IsNullOrEmpty(config.Text("ClientSecret")))
        {
            throw Validation($"A client secret must be specified for the authenticate-oidc action at '{where}' unless UseExistingClientSecret is true");
        }
    }

    private static QueryNode RequireConfig(QueryNode action, string configName, string where, params string[] required)
    {
        var config = action[configName] is { Members: not null } found ? found : throw Validation($"A {action.Text("Type")} action at '{where}' needs {configName}");
        foreach (var member in required)
        {
            if (string.IsNullOrEmpty(config.Text(member)))
            {
                throw Validation($"1 validation error detected: Value null at '{where}.{char.ToLowerInvariant(configName[0])}{configName[1..]}.{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");
            }
        }

        return config;
    }

    private static List<QueryNode> CheckConditions(QueryNode sent)
    {
        var conditions = sent.Items ?? [];
        if (conditions.Count == 0)
        {
            throw Validation("A rule must have at least one condition");
        }

        foreach (var condition in conditions)
        {
            var field = condition.Members is null ? null : condition.Text("Field");
            if (field is null || QueryShapes.ConditionConfigOf(field) is not { } configName)
            {
                throw Validation($"Condition field '{field}' must be one of [http-header, http-request-method, host-header, path-pattern, query-string, source-ip]");
            }

            if (condition.ListOf("Values").Count == 0 && condition[configName] is not { Members: not null })
            {
                throw Validation($"A '{field}' condition needs Values or {configName}");
            }

            QueryShapes.CompleteCondition(condition);
        }

        return [.. conditions];
    }

    private static XElement LoadBalancerMember(ElbLoadBalancer loadBalancer)
    {
        var ns = Namespace;
        return new XElement(ns + "member",
            new XElement(ns + "LoadBalancerArn", loadBalancer.Arn),
            new XElement(ns + "DNSName", loadBalancer.DnsName),
            new XElement(ns + "CanonicalHostedZoneId", "Z35SXDOTRQ7X7K"),
            new XElement(ns + "CreatedTime", Ec2Api.FormatTime(loadBalancer.CreatedTime)),
            new XElement(ns + "LoadBalancerName", loadBalancer.Name),
            new XElement(ns + "Scheme", "internet-facing"),
            new XElement(ns + "VpcId", loadBalancer.VpcId),
            new XElement(ns + "State", new XElement(ns + "Code", "active")),
            new XElement(ns + "Type", "application"),
            new XElement(ns + "IpAddressType", "ipv4"));
    }

    /// <summary>A listener in the member order of ELBv2's DescribeListeners example.</summary>
    private static XElement ListenerMember(ElbListener listener)
    {
        var ns = Namespace;
        return new XElement(ns + "member",
            new XElement(ns + "LoadBalancerArn", listener.LoadBalancerArn),
            new XElement(ns + "Protocol", listener.Protocol),
            new XElement(ns + "Port", listener.Port.ToString(CultureInfo.InvariantCulture)),
            new XElement(ns + "ListenerArn", listener.Arn),
            Render("DefaultActions", QueryNode.List(listener.DefaultActions), QueryShapes.Action));
    }

    private static XElement RuleMember(ElbRule rule)
    {
        var ns = Namespace;
        return new XElement(ns + "member",
            new XElement(ns + "RuleArn", rule.Arn),
            new XElement(ns + "Priority", rule.Priority.ToString(CultureInfo.InvariantCulture)),
            Render("Conditions", QueryNode.List(rule.Conditions), QueryShapes.Condition),
            Render("Actions", QueryNode.List(rule.Actions), QueryShapes.Action),
            new XElement(ns + "IsDefault", "false"));
    }

    /// <summary>The default rule: priority <c>default</c>, no conditions, the listener's default actions.</summary>
    private static XElement DefaultRuleMember(ElbListener listener)
    {
        var ns = Namespace;
        return new XElement(ns + "member",
            new XElement(ns + "RuleArn", listener.DefaultRuleArn),
            new XElement(ns + "Priority", "default"),
            new XElement(ns + "Conditions"),
            Render("Actions", QueryNode.List(listener.DefaultActions), QueryShapes.Action),
            new XElement(ns + "IsDefault", "true"));
    }

    private static XElement TargetGroupMember(EmulatorState state, ElbTargetGroup group)
    {
        var ns = Namespace;
        return new XElement(ns + "member",
            new XElement(ns + "TargetGroupArn", group.Arn),
            new XElement(ns + "TargetGroupName", group.Name),
            new XElement(ns + "Protocol", "HTTP"),
            new XElement(ns + "Port", group.Port.ToString(CultureInfo.InvariantCulture)),
            new XElement(ns + "VpcId", group.VpcId),
            new XElement(ns + "HealthCheckProtocol", "HTTP"),
            new XElement(ns + "HealthCheckPort", "traffic-port"),
            new XElement(ns + "HealthCheckEnabled", "true"),
            new XElement(ns + "HealthCheckIntervalSeconds", "30"),
            new XElement(ns + "HealthCheckTimeoutSeconds", "5"),
            new XElement(ns + "HealthyThresholdCount", "5"),
            new XElement(ns + "UnhealthyThresholdCount", "2"),
            new XElement(ns + "HealthCheckPath", "/"),
            new XElement(ns + "Matcher", new XElement(ns + "HttpCode", "200")),
            new XElement(ns + "LoadBalancerArns", state.LoadBalancersOf(group.Arn).Select(arn => new XElement(ns + "member", arn))),
            new XElement(ns + "TargetType", "instance"),
            new XElement(ns + "ProtocolVersion", "HTTP1"),
            new XElement(ns + "IpAddressType", "ipv4"));
    }

    /// <summary>A stored value as ELBv2 writes it: lists as <c>member</c>s, maps as <c>entry/key/value</c>, structures in model order.</summary>
    private static XElement Render(string name, QueryNode node, string? shape)
    {
        var ns = Namespace;
        if (node.Items is not null)
        {
            return new XElement(ns + name, node.Items.Select(item => Render("member", item, shape)));
        }

        if (node.Entries is not null)
        {
            return new XElement(ns + name, node.Entries.Select(entry => new XElement(ns + "entry",
                new XElement(ns + "key", entry.Key),
                Render("value", entry.Value, null))));
        }

        if (node.Members is not null)
        {
            return new XElement(ns + name, QueryShapes.Reported(node, shape).Select(member => Render(member.Name, member.Value, member.Shape)));
        }

        return new XElement(ns + name, node.Value);
    }

    /// <summary><c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…&lt;/ActionResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId&gt;</c>.</summary>
    private static AwsAnswer Answer(string action, string? nextMarker, XElement content)
    {
        var ns = Namespace;
        var result = new XElement(ns + action + "Result", content);
        if (nextMarker is not null)
        {
            result.Add(new XElement(ns + "NextMarker", nextMarker));
        }

        return AwsAnswer.Ok(new XElement(ns + action + "Response",
            result,
            new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", Guid.NewGuid().ToString()))));
    }

    private static XElement Members(string listName, IEnumerable<XElement> members) => new(Namespace + listName, members);

    /// <summary>One page from <c>Marker</c> (opaque: an offset) and <c>PageSize</c> (1–400, default 400).</summary>
    private static (List<T> Page, string? NextMarker) Paginate<T>(IReadOnlyList<T> all, ElbRequest request)
    {
        var pageSize = MaxPageSize;
        if (request.Single("PageSize") is { } sizeText)
        {
            if (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize)
            {
                throw Validation($"1 validation error detected: Value '{sizeText}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and {MaxPageSize}");
            }
        }

        var offset = 0;
        if (request.Single("Marker") is { Length: > 0 } marker)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            }
            catch (FormatException)
            {
                text = string.Empty;
            }

            if (!text.StartsWith("offset:", StringComparison.Ordinal)
                || !int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                || offset > all.Count)
            {
                throw Validation("The marker is not valid");
            }
        }

        var page = all.Skip(offset).Take(pageSize).ToList();
        var next = offset + page.Count;
        return (page, next < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"offset:{next}"))) : null);
    }

    private static ElbLoadBalancer RequireLoadBalancer(EmulatorState state, string arn)
    {
        CheckArn([arn], ":loadbalancer/", "load balancer");
        return state.FindLoadBalancer(arn) ?? throw new ElbRefusal("LoadBalancerNotFound", "One or more load balancers not found");
    }

    private static ElbListener RequireListener(EmulatorState state, string arn)
    {
        CheckArn([arn], ":listener/", "listener");
        return state.FindListener(arn) ?? throw new ElbRefusal("ListenerNotFound", "One or more listeners not found");
    }

    private static ElbTargetGroup RequireTargetGroup(EmulatorState state, string arn)
    {
        CheckArn([arn], ":targetgroup/", "target group");
        return state.FindTargetGroup(arn) ?? throw new ElbRefusal("TargetGroupNotFound", "One or more target groups not found");
    }

    /// <summary>ELBv2 refuses a value that is not an ARN of the expected kind before it looks anything up.</summary>
    private static void CheckArn(IEnumerable<string> arns, string kind, string what)
    {
        foreach (var arn in arns)
        {
            if (!arn.StartsWith("arn:aws", StringComparison.Ordinal) || !arn.Contains(":elasticloadbalancing:", StringComparison.Ordinal) || !arn.Contains(kind, StringComparison.Ordinal))
            {
                throw Validation($"'{arn}' is not a valid {what} ARN");
            }
        }
    }

    private static ElbRefusal Validation(string message) => new("ValidationError", message);

    /// <summary>The form parameters of one call.</summary>
    private sealed class ElbRequest(List<KeyValuePair<string, string>> parameters)
    {
        public List<KeyValuePair<string, string>> Parameters { get; } = parameters;

        public string? Single(string name) => Parameters.FirstOrDefault(p => p.Key == name).Value;

        /// <summary>A query-protocol list of strings, <c>Name.member.N</c>, in index order.</summary>
        public List<string> Members(string name) =>
            QueryNode.Parse(Parameters, name)?.Items?.Select(item => item.Value).OfType<string>().ToList() ?? [];
    }
}

/// <summary>An ELBv2 refusal (HTTP 400 with an error code), thrown inside a call and answered by <see cref="ElbApi"/>.</summary>
internal sealed class ElbRefusal : Exception
{
    public ElbRefusal()
        : this("ValidationError", "The request is not valid.")
    {
    }

    public ElbRefusal(string message)
        : this("ValidationError", message)
    {
    }

    public ElbRefusal(string message, Exception innerException)
        : base(message, innerException) => Code = "ValidationError";

    public ElbRefusal(string code, string message)
        : base(message) => Code = code;

    /// <summary>The ELBv2 error code, e.g. <c>ListenerNotFound</c>.</summary>
    public string Code { get; }
}
