using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Emulator;

/// <summary>The AWS half of the state: EC2 images and the ELBv2 load balancers, target groups, listeners and rules.</summary>
public sealed partial class EmulatorState
{
    /// <summary>
    /// The account that owns the images published by Amazon (owner alias <c>amazon</c>). Seed an image with
    /// this owner id (or with <c>"amazon"</c>) to have <c>Owner.N=amazon</c> find it.
    /// </summary>
    public const string AmazonOwnerId = "137112412989";

    private readonly SortedDictionary<string, Ec2Image> _images = new(StringComparer.Ordinal);
    private readonly List<ElbLoadBalancer> _loadBalancers = [];
    private readonly List<ElbTargetGroup> _targetGroups = [];
    private readonly List<ElbListener> _listeners = [];
    private readonly List<ElbRule> _rules = [];

    /// <summary>
    /// Adds an AMI to the EC2 catalogue (or replaces the one with the same id).
    /// </summary>
    /// <param name="imageId">The id, <c>ami-</c> and 8 or 17 lower-case hex digits (as EC2 requires; other ids are <c>InvalidAMIID.Malformed</c>).</param>
    /// <param name="name">The image name.</param>
    /// <param name="creationDate">When the image was created.</param>
    /// <param name="tags">The image's tags, key → value; none when null.</param>
    /// <param name="ownerId">The owning account: null for the emulator's own account (<see cref="EmulatorOptions.AwsAccountId"/>, a private image);
    /// <see cref="AmazonOwnerId"/> or <c>"amazon"</c> for Amazon's (alias <c>amazon</c>, public); any other account id for a public image of that account.</param>
    /// <param name="state"><c>available</c> (default), <c>pending</c>, <c>failed</c> …</param>
    /// <param name="deprecationTime">When the image is or was deprecated (deprecated once this time has passed on the emulator's clock); null for never.</param>
    /// <param name="architecture"><c>x86_64</c> (default), <c>arm64</c> …</param>
    /// <exception cref="ArgumentException">The id is not an AMI id, or the name is empty.</exception>
    public void SeedImage(string imageId, string name, DateTimeOffset creationDate, IReadOnlyDictionary<string, string>? tags = null, string? ownerId = null, string state = "available", DateTimeOffset? deprecationTime = null, string architecture = "x86_64")
    {
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        if (!IsImageId(imageId))
        {
            throw new ArgumentException($"'{imageId}' is not an AMI id (ami- and 8 or 17 lower-case hex digits).", nameof(imageId));
        }

        var owner = ownerId is null ? Options.AwsAccountId : ownerId == "amazon" ? AmazonOwnerId : ownerId;
        if (owner.Length != 12 || !owner.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{ownerId}' is not a 12-digit account id.", nameof(ownerId));
        }

        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            copy[key] = value ?? string.Empty;
        }

        lock (Gate)
        {
            _images[imageId] = new Ec2Image(imageId, name, creationDate.ToUniversalTime(), copy, owner, state, deprecationTime?.ToUniversalTime(), architecture);
        }
    }

    /// <summary>Adds an internet-facing Application Load Balancer and returns its ARN.</summary>
    /// <param name="name">The name (1–32 letters, digits and hyphens), unique among load balancers.</param>
    /// <exception cref="ArgumentException">The name is not valid or already taken.</exception>
    public string SeedLoadBalancer(string name)
    {
        CheckElbName(name, nameof(name));
        lock (Gate)
        {
            if (_loadBalancers.Exists(lb => lb.Name == name))
            {
                throw new ArgumentException($"A load balancer named '{name}' already exists.", nameof(name));
            }

            var id = NewHexId();
            var arn = ElbArnPrefix + ":loadbalancer/app/" + name + "/" + id;
            var dnsNumber = (long)(Random.NextDouble() * 9_000_000_000) + 1_000_000_000;
            _loadBalancers.Add(new ElbLoadBalancer(arn, name, id, string.Create(CultureInfo.InvariantCulture, $"{name}-{dnsNumber}.{Options.Region}.elb.amazonaws.com"), Now, VpcId));
            return arn;
        }
    }

    /// <summary>Adds an HTTP target group of instances and returns its ARN.</summary>
    /// <param name="name">The name (1–32 letters, digits and hyphens), unique among target groups.</param>
    /// <param name="port">The port targets receive traffic on.</param>
    /// <exception cref="ArgumentException">The name is not valid or already taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The port is not 1–65535.</exception>
    public string SeedTargetGroup(string name, int port = 80)
    {
        CheckElbName(name, nameof(name));
        CheckPort(port);
        lock (Gate)
        {
            if (_targetGroups.Exists(tg => tg.Name == name))
            {
                throw new ArgumentException($"A target group named '{name}' already exists.", nameof(name));
            }

            var arn = ElbArnPrefix + ":targetgroup/" + name + "/" + NewHexId();
            _targetGroups.Add(new ElbTargetGroup(arn, name, port, VpcId));
            return arn;
        }
    }

    /// <summary>
    /// Adds a listener (protocol HTTPS on port 443, HTTP otherwise) whose default action forwards to one
    /// target group, reported as AWS reports it: <c>TargetGroupArn</c> and a <c>ForwardConfig</c> with that
    /// group at weight 1 and stickiness disabled. Returns the listener's ARN.
    /// </summary>
    /// <exception cref="ArgumentException">The load balancer or target group is unknown, the port is taken, or the target group belongs to another load balancer.</exception>
    public string SeedListener(string loadBalancerArn, int port, string forwardTargetGroupArn)
    {
        ArgumentNullException.ThrowIfNull(loadBalancerArn);
        ArgumentNullException.ThrowIfNull(forwardTargetGroupArn);
        CheckPort(port);
        lock (Gate)
        {
            var loadBalancer = _loadBalancers.Find(lb => lb.Arn == loadBalancerArn)
                ?? throw new ArgumentException($"No load balancer {loadBalancerArn}.", nameof(loadBalancerArn));
            if (_listeners.Exists(l => l.LoadBalancerArn == loadBalancerArn && l.Port == port))
            {
                throw new ArgumentException($"The load balancer already has a listener on port {port}.", nameof(port));
            }

            CheckSeedTargetGroup(forwardTargetGroupArn, loadBalancerArn);
            var listenerId = NewHexId();
            var arn = ElbArnPrefix + ":listener/app/" + loadBalancer.Name + "/" + loadBalancer.Id + "/" + listenerId;
            var defaultRuleArn = ElbArnPrefix + ":listener-rule/app/" + loadBalancer.Name + "/" + loadBalancer.Id + "/" + listenerId + "/" + NewHexId();
            _listeners.Add(new ElbListener(arn, loadBalancerArn, defaultRuleArn)
            {
                Port = port,
                Protocol = port == 443 ? "HTTPS" : "HTTP",
                DefaultActions = [ForwardAction(forwardTargetGroupArn)],
            });
            CaptureTraffic();
            return arn;
        }
    }

    /// <summary>
    /// Adds a listener rule with a <c>path-pattern</c> condition that forwards to one target group
    /// (reported as <see cref="SeedListener"/> reports its default action). Returns the rule's ARN.
    /// </summary>
    /// <exception cref="ArgumentException">The listener or target group is unknown, or the priority is taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority is not 1–50000.</exception>
    public string SeedRule(string listenerArn, int priority, string pathPattern, string forwardTargetGroupArn) =>
        SeedRule(listenerArn, priority, "path-pattern", [pathPattern], forwardTargetGroupArn);

    /// <summary>
    /// Adds a listener rule with one condition — <c>path-pattern</c>, <c>host-header</c>,
    /// <c>http-request-method</c> or <c>source-ip</c> with its values — that forwards to one target group.
    /// The condition is reported as AWS reports it: <c>Field</c>, <c>Values</c> and the field's config
    /// (e.g. <c>PathPatternConfig.Values</c>). Returns the rule's ARN.
    /// </summary>
    /// <exception cref="ArgumentException">The field or values are not valid, the listener or target group is unknown, or the priority is taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority is not 1–50000.</exception>
    public string SeedRule(string listenerArn, int priority, string conditionField, IReadOnlyList<string> conditionValues, string forwardTargetGroupArn)
    {
        ArgumentNullException.ThrowIfNull(listenerArn);
        ArgumentNullException.ThrowIfNull(conditionField);
        ArgumentNullException.ThrowIfNull(conditionValues);
        ArgumentNullException.ThrowIfNull(forwardTargetGroupArn);
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 50000);
        if (QueryShapes.ConditionConfigOf(conditionField) is not { } configName || conditionField is "http-header" or "query-string")
        {
            throw new ArgumentException($"Seed conditions are path-pattern, host-header, http-request-method or source-ip, not '{conditionField}'.", nameof(conditionField));
        }

        if (conditionValues.Count == 0 || conditionValues.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("A condition needs at least one value, none empty.", nameof(conditionValues));
        }

        lock (Gate)
        {
            var listener = _listeners.Find(l => l.Arn == listenerArn)
                ?? throw new ArgumentException($"No listener {listenerArn}.", nameof(listenerArn));
            if (_rules.Exists(r => r.ListenerArn == listenerArn && r.Priority == priority))
            {
                throw new ArgumentException($"The listener already has a rule with priority {priority}.", nameof(priority));
            }

            CheckSeedTargetGroup(forwardTargetGroupArn, listener.LoadBalancerArn);
            var arn = listener.DefaultRuleArn[..listener.DefaultRuleArn.LastIndexOf('/')] + "/" + NewHexId();
            var condition = QueryNode.Structure();
            condition.Set("Field", QueryNode.Leaf(conditionField));
            condition.Set("Values", QueryNode.List(conditionValues.Select(QueryNode.Leaf)));
            condition.Set(configName, QueryNode.Structure(("Values", QueryNode.List(conditionValues.Select(QueryNode.Leaf)))));
            _rules.Add(new ElbRule(arn, listenerArn)
            {
                Priority = priority,
                Conditions = [condition],
                Actions = [ForwardAction(forwardTargetGroupArn)],
            });
            return arn;
        }
    }

    /// <summary>
    /// Registers an instance in a target group with a fixed health, beside the instances of Spot groups that
    /// are registered there (re-seeding the same instance changes its health).
    /// </summary>
    /// <param name="targetGroupArn">The target group.</param>
    /// <param name="instanceId">The instance id (<c>i-…</c>).</param>
    /// <param name="healthState"><c>healthy</c> (default), <c>initial</c>, <c>unhealthy</c>, <c>draining</c> or <c>unused</c>, reported with AWS's reason and description.</param>
    /// <exception cref="ArgumentException">The target group is unknown or the state is not one of these.</exception>
    public void SeedTarget(string targetGroupArn, string instanceId, string healthState = "healthy")
    {
        ArgumentNullException.ThrowIfNull(targetGroupArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        if (healthState is not ("healthy" or "initial" or "unhealthy" or "draining" or "unused"))
        {
            throw new ArgumentException($"'{healthState}' is not a target health state this emulator reports.", nameof(healthState));
        }

        lock (Gate)
        {
            var group = FindTargetGroup(targetGroupArn) ?? throw new ArgumentException($"No target group {targetGroupArn}.", nameof(targetGroupArn));
            group.StaticTargets[instanceId] = healthState;
        }
    }

    /// <summary>
    /// The listener's default actions as ELBv2 reports them (secrets left out): one JSON object per action,
    /// members named as on the wire, every value a string as the query protocol carries it
    /// (<c>[{"Type":"forward","TargetGroupArn":"…","ForwardConfig":{"TargetGroups":[{"TargetGroupArn":"…","Weight":"1"}],…}}]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No such listener.</exception>
    public JsonArray GetListenerActions(string listenerArn)
    {
        lock (Gate)
        {
            var listener = _listeners.Find(l => l.Arn == listenerArn) ?? throw new ArgumentException($"No listener {listenerArn}.", nameof(listenerArn));
            return QueryNode.ToJson(listener.DefaultActions, QueryShapes.Action);
        }
    }

    /// <summary>
    /// A rule's actions as <see cref="GetListenerActions"/> shows them; a listener's default rule gives the
    /// listener's default actions.
    /// </summary>
    /// <exception cref="ArgumentException">No such rule.</exception>
    public JsonArray GetRuleActions(string ruleArn)
    {
        lock (Gate)
        {
            return QueryNode.ToJson(FindRuleView(ruleArn, nameof(ruleArn)).Actions, QueryShapes.Action);
        }
    }

    /// <summary>A rule's conditions (empty for a default rule), as <see cref="GetListenerActions"/> shows actions.</summary>
    /// <exception cref="ArgumentException">No such rule.</exception>
    public JsonArray GetRuleConditions(string ruleArn)
    {
        lock (Gate)
        {
            return QueryNode.ToJson(FindRuleView(ruleArn, nameof(ruleArn)).Conditions, QueryShapes.Condition);
        }
    }

    partial void AddAwsSnapshot(JsonObject snapshot)
    {
        var images = new JsonArray();
        foreach (var image in _images.Values)
        {
            var tags = new JsonObject();
            foreach (var (key, value) in image.Tags)
            {
                tags[key] = value;
            }

            images.Add(new JsonObject
            {
                ["imageId"] = image.Id,
                ["name"] = image.Name,
                ["ownerId"] = image.OwnerId,
                ["state"] = image.State,
                ["architecture"] = image.Architecture,
                ["creationDate"] = Ec2Api.FormatTime(image.CreationDate),
                ["deprecationTime"] = image.DeprecationTime is { } time ? Ec2Api.FormatTime(time) : null,
                ["tags"] = tags,
            });
        }

        snapshot["images"] = images;
        snapshot["loadBalancers"] = new JsonArray([.. _loadBalancers.OrderBy(lb => lb.Arn, StringComparer.Ordinal).Select(lb => (JsonNode)new JsonObject
        {
            ["arn"] = lb.Arn,
            ["name"] = lb.Name,
            ["dnsName"] = lb.DnsName,
        })]);
        snapshot["listeners"] = new JsonArray([.. _listeners.OrderBy(l => l.Arn, StringComparer.Ordinal).Select(l => (JsonNode)new JsonObject
        {
            ["arn"] = l.Arn,
            ["loadBalancerArn"] = l.LoadBalancerArn,
            ["port"] = l.Port,
            ["protocol"] = l.Protocol,
            ["defaultActions"] = QueryNode.ToJson(l.DefaultActions, QueryShapes.Action),
        })]);
        snapshot["rules"] = new JsonArray([.. _rules.OrderBy(r => r.Arn, StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
        {
            ["arn"] = r.Arn,
            ["listenerArn"] = r.ListenerArn,
            ["priority"] = r.Priority,
            ["conditions"] = QueryNode.ToJson(r.Conditions, QueryShapes.Condition),
            ["actions"] = QueryNode.ToJson(r.Actions, QueryShapes.Action),
        })]);
        snapshot["targetGroups"] = new JsonArray([.. _targetGroups.OrderBy(tg => tg.Arn, StringComparer.Ordinal).Select(tg => (JsonNode)new JsonObject
        {
            ["arn"] = tg.Arn,
            ["name"] = tg.Name,
            ["port"] = tg.Port,
            ["loadBalancerArns"] = new JsonArray([.. LoadBalancersOf(tg.Arn).Select(arn => (JsonNode)JsonValue.Create(arn))]),
            ["targets"] = new JsonArray([.. TargetsOf(tg).Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.InstanceId,
                ["port"] = tg.Port,
                ["state"] = t.State,
            })]),
        })]);
    }

    internal string ElbArnPrefix => "arn:aws:elasticloadbalancing:" + Options.Region + ":" + Options.AwsAccountId;

    private string VpcId => "vpc-" + Options.AwsAccountId[..8];

    internal IEnumerable<Ec2Image> Images => _images.Values;

    internal bool TryGetImage(string imageId, out Ec2Image image) => _images.TryGetValue(imageId, out image!);

    internal IReadOnlyList<ElbLoadBalancer> LoadBalancers => _loadBalancers;

    internal IReadOnlyList<ElbTargetGroup> TargetGroups => _targetGroups;

    internal IReadOnlyList<ElbListener> Listeners => _listeners;

    internal ElbLoadBalancer? FindLoadBalancer(string arn) => _loadBalancers.Find(lb => lb.Arn == arn);

    internal ElbTargetGroup? FindTargetGroup(string arn) => _targetGroups.Find(tg => tg.Arn == arn);

    internal ElbListener? FindListener(string arn) => _listeners.Find(l => l.Arn == arn);

    internal ElbRule? FindRule(string arn) => _rules.Find(r => r.Arn == arn);

    internal ElbListener? FindListenerByDefaultRule(string ruleArn) => _listeners.Find(l => l.DefaultRuleArn == ruleArn);

    /// <summary>The listener's rules, by priority (the default rule is not among them).</summary>
    internal IEnumerable<ElbRule> RulesOf(string listenerArn) => _rules.Where(r => r.ListenerArn == listenerArn).OrderBy(r => r.Priority);

    /// <summary>Every target group a forward action of the load balancer's listeners and rules names, in first-use order.</summary>
    internal IEnumerable<string> TargetGroupsUsedBy(string loadBalancerArn)
    {
        var used = new List<string>();
        foreach (var listener in _listeners.Where(l => l.LoadBalancerArn == loadBalancerArn))
        {
            foreach (var actions in RulesOf(listener.Arn).Select(r => r.Actions).Prepend(listener.DefaultActions))
            {
                foreach (var arn in actions.SelectMany(QueryShapes.ForwardTargetGroups))
                {
                    if (!used.Contains(arn, StringComparer.Ordinal))
                    {
                        used.Add(arn);
                    }
                }
            }
        }

        return used;
    }

    /// <summary>The load balancers whose listeners or rules forward to the target group.</summary>
    internal IEnumerable<string> LoadBalancersOf(string targetGroupArn) =>
        _loadBalancers.Where(lb => TargetGroupsUsedBy(lb.Arn).Contains(targetGroupArn, StringComparer.Ordinal)).Select(lb => lb.Arn);

    /// <summary>Every target of the group with its health state: Spot instances registered there, then seeded targets.</summary>
    internal IReadOnlyList<(string InstanceId, string State)> TargetsOf(ElbTargetGroup group)
    {
        var targets = new List<(string InstanceId, string State)>();
        foreach (var (targetGroupArn, instanceId, healthState) in TargetRegistrations())
        {
            if (targetGroupArn == group.Arn && !targets.Exists(t => t.InstanceId == instanceId))
            {
                targets.Add((instanceId, NormalizeHealth(healthState)));
            }
        }

        foreach (var (instanceId, state) in group.StaticTargets)
        {
            targets.RemoveAll(t => t.InstanceId == instanceId);
            targets.Add((instanceId, state));
        }

        return targets;
    }

    internal static bool IsImageId(string value) => ImageIdPattern().IsMatch(value);

    [GeneratedRegex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageIdPattern();

    /// <summary>A Spot-side health word as an ELBv2 target state.</summary>
    private static string NormalizeHealth(string healthState) => healthState.ToUpperInvariant() switch
    {
        "HEALTHY" => "healthy",
        "UNHEALTHY" => "unhealthy",
        "DRAINING" => "draining",
        "UNUSED" => "unused",
        _ => "initial",
    };

    private ElbRule FindRuleView(string ruleArn, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(ruleArn, parameterName);
        if (FindRule(ruleArn) is { } rule)
        {
            return rule;
        }

        var listener = FindListenerByDefaultRule(ruleArn) ?? throw new ArgumentException($"No rule {ruleArn}.", parameterName);
        return new ElbRule(ruleArn, listener.Arn) { Actions = listener.DefaultActions };
    }

    private void CheckSeedTargetGroup(string targetGroupArn, string loadBalancerArn)
    {
        if (FindTargetGroup(targetGroupArn) is null)
        {
            throw new ArgumentException($"No target group {targetGroupArn}.", nameof(targetGroupArn));
        }

        if (LoadBalancersOf(targetGroupArn).Any(arn => arn != loadBalancerArn))
        {
            throw new ArgumentException($"Target group {targetGroupArn} already belongs to another load balancer.", nameof(targetGroupArn));
        }
    }

    /// <summary>A forward action as ELBv2 reports one created with a plain <c>TargetGroupArn</c>.</summary>
    private static QueryNode ForwardAction(string targetGroupArn)
    {
        var action = QueryNode.Structure();
        action.Set("Type", QueryNode.Leaf("forward"));
        action.Set("TargetGroupArn", QueryNode.Leaf(targetGroupArn));
        QueryShapes.CompleteForward(action);
        return action;
    }

    private string NewHexId() => Random.NextInt64(0x1000_0000_0000_0000, long.MaxValue).ToString("x16", CultureInfo.InvariantCulture);

    private static void CheckElbName(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length is < 1 or > 32 || name.StartsWith('-') || name.EndsWith('-') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid name: 1–32 letters, digits and hyphens, not starting or ending with a hyphen.", parameterName);
        }
    }

    private static void CheckPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
    }
}

/// <summary>One seeded AMI.</summary>
internal sealed record Ec2Image(string Id, string Name, DateTimeOffset CreationDate, IReadOnlyDictionary<string, string> Tags, string OwnerId, string State, DateTimeOffset? DeprecationTime, string Architecture);

/// <summary>One Application Load Balancer.</summary>
internal sealed record ElbLoadBalancer(string Arn, string Name, string Id, string DnsName, DateTimeOffset CreatedTime, string VpcId);

/// <summary>One target group; targets of Spot groups come from <see cref="EmulatorState.TargetsOf"/>, seeded ones are kept here.</summary>
internal sealed record ElbTargetGroup(string Arn, string Name, int Port, string VpcId)
{
    public SortedDictionary<string, string> StaticTargets { get; } = new(StringComparer.Ordinal);
}

/// <summary>One listener; its default actions are the query-parameter trees ModifyListener last stored.</summary>
internal sealed record ElbListener(string Arn, string LoadBalancerArn, string DefaultRuleArn)
{
    public int Port { get; set; }

    public string Protocol { get; set; } = "HTTP";

    public List<QueryNode> DefaultActions { get; set; } = [];
}

/// <summary>One (non-default) listener rule with its conditions and actions as query-parameter trees.</summary>
internal sealed record ElbRule(string Arn, string ListenerArn)
{
    public int Priority { get; set; }

    public List<QueryNode> Conditions { get; set; } = [];

    public List<QueryNode> Actions { get; set; } = [];
}

/// <summary>
/// A value of the AWS query protocol as the request carried it, without knowing its shape: a string
/// (<c>Type=forward</c>), a structure (<c>ForwardConfig.…</c>), a list (<c>TargetGroups.member.N…</c>) or a
/// map (<c>AuthenticationRequestExtraParams.entry.N.key/value</c>). Whatever a client sends is kept, so it
/// can be reported back unchanged.
/// </summary>
internal sealed class QueryNode
{
    private QueryNode(string? value, List<KeyValuePair<string, QueryNode>>? members, List<QueryNode>? items, List<KeyValuePair<string, QueryNode>>? entries)
    {
        Value = value;
        Members = members;
        Items = items;
        Entries = entries;
    }

    /// <summary>The text of a leaf.</summary>
    public string? Value { get; }

    /// <summary>The members of a structure, in the order first sent.</summary>
    public List<KeyValuePair<string, QueryNode>>? Members { get; }

    /// <summary>The items of a list, by index.</summary>
    public List<QueryNode>? Items { get; }

    /// <summary>The entries of a map, by index.</summary>
    public List<KeyValuePair<string, QueryNode>>? Entries { get; }

    public static QueryNode Leaf(string value) => new(value, null, null, null);

    public static QueryNode Structure(params (string Name, QueryNode Value)[] members) =>
        new(null, [.. members.Select(m => new KeyValuePair<string, QueryNode>(m.Name, m.Value))], null, null);

    public static QueryNode List(IEnumerable<QueryNode> items) => new(null, null, [.. items], null);

    public static QueryNode Map(IEnumerable<KeyValuePair<string, QueryNode>> entries) => new(null, null, null, [.. entries]);

    /// <summary>The structure member, or null.</summary>
    public QueryNode? this[string name] => Members?.FirstOrDefault(m => m.Key == name).Value;

    /// <summary>The text of the structure member, or null.</summary>
    public string? Text(string name) => this[name]?.Value;

    /// <summary>The items of a list member; a missing member or an empty value (<c>Values=</c>) is an empty list.</summary>
    public IReadOnlyList<QueryNode> ListOf(string name) => this[name]?.Items ?? [];

    /// <summary>Sets (replaces or appends) a structure member.</summary>
    public void Set(string name, QueryNode value)
    {
        var index = Members!.FindIndex(m => m.Key == name);
        if (index >= 0)
        {
            Members[index] = new KeyValuePair<string, QueryNode>(name, value);
        }
        else
        {
            Members.Add(new KeyValuePair<string, QueryNode>(name, value));
        }
    }

    /// <summary>Removes a structure member if present.</summary>
    public void Remove(string name) => Members?.RemoveAll(m => m.Key == name);

    /// <summary>A deep copy.</summary>
    public QueryNode Clone() => new(
        Value,
        Members?.Select(m => new KeyValuePair<string, QueryNode>(m.Key, m.Value.Clone())).ToList(),
        Items?.Select(i => i.Clone()).ToList(),
        Entries?.Select(e => new KeyValuePair<string, QueryNode>(e.Key, e.Value.Clone())).ToList());

    /// <summary>
    /// The value under <paramref name="prefix"/> in a flat parameter list (<c>DefaultActions.member.1.Type</c> …),
    /// or null when no parameter starts with it.
    /// </summary>
    public static QueryNode? Parse(IEnumerable<KeyValuePair<string, string>> parameters, string prefix)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var root = new Trie();
        var found = false;
        foreach (var (key, value) in parameters)
        {
            string[] path;
            if (key == prefix)
            {
                path = [];
            }
            else if (key.StartsWith(prefix + ".", StringComparison.Ordinal))
            {
                path = key[(prefix.Length + 1)..].Split('.');
            }
            else
            {
                continue;
            }

            found = true;
            var node = root;
            foreach (var segment in path)
            {
                node = node.Child(segment);
            }

            node.Value = value;
        }

        return found ? root.ToNode() : null;
    }

    /// <summary>Renders a list of values (actions, conditions) in the order and spelling ELBv2 reports them.</summary>
    public static JsonArray ToJson(IEnumerable<QueryNode> items, string shape) =>
        new([.. items.Select(item => item.ToJson(shape))]);

    /// <summary>This value as JSON: a structure as an object, a list as an array, a map as an object, a leaf as a string.</summary>
    public JsonNode? ToJson(string? shape)
    {
        if (Items is not null)
        {
            return new JsonArray([.. Items.Select(item => item.ToJson(shape))]);
        }

        if (Entries is not null)
        {
            var map = new JsonObject();
            foreach (var (key, value) in Entries)
            {
                map[key] = value.ToJson(null);
            }

            return map;
        }

        if (Members is not null)
        {
            var structure = new JsonObject();
            foreach (var (name, value, memberShape) in QueryShapes.Reported(this, shape))
            {
                structure[name] = value.ToJson(memberShape);
            }

            return structure;
        }

        return JsonValue.Create(Value);
    }

    /// <summary>The parameters as they arrived, by path segment.</summary>
    private sealed class Trie
    {
        private readonly List<KeyValuePair<string, Trie>> _children = [];

        public string? Value { get; set; }

        public Trie Child(string segment)
        {
            foreach (var (name, child) in _children)
            {
                if (name == segment)
                {
                    return child;
                }
            }

            var created = new Trie();
            _children.Add(new KeyValuePair<string, Trie>(segment, created));
            return created;
        }

        public QueryNode ToNode()
        {
            if (_children.Count == 0)
            {
                return Leaf(Value ?? string.Empty);
            }

            if (_children is [{ Key: "member", Value: var members }])
            {
                return List(members.Indexed().Select(item => item.ToNode()));
            }

            if (_children is [{ Key: "entry", Value: var entries }])
            {
                return Map(entries.Indexed().Select(entry => new KeyValuePair<string, QueryNode>(
                    entry.Child("key").Value ?? string.Empty,
                    entry._children.Exists(c => c.Key == "value") ? entry.Child("value").ToNode() : Leaf(string.Empty))));
            }

            return new QueryNode(null, [.. _children.Select(c => new KeyValuePair<string, QueryNode>(c.Key, c.Value.ToNode()))], null, null);
        }

        /// <summary>The children named by index (<c>1</c>, <c>2</c> …), in index order; other names are dropped.</summary>
        private IEnumerable<Trie> Indexed() => _children
            .Select(c => (Ok: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index), Index: index, Node: c.Value))
            .Where(c => c.Ok)
            .OrderBy(c => c.Index)
            .Select(c => c.Node);
    }
}

/// <summary>
/// The little of the ELBv2 model the emulator needs to report actions and conditions as AWS does: the
/// member order of each structure, which members are never reported (secrets, input-only flags), and how a
/// forward action and a condition are completed. Members a shape does not list keep their arrival order, after the known ones.
/// </summary>
internal static class QueryShapes
{
    public const string Action = "Action";
    public const string Condition = "RuleCondition";

    /// <summary>Structure → its members in model order; <c>Name:Shape</c> names the shape of a member (or of a list's items).</summary>
    private static readonly Dictionary<string, string[]> Shapes = new(StringComparer.Ordinal)
    {
        [Action] = ["Type", "TargetGroupArn", "AuthenticateOidcConfig:Oidc", "AuthenticateCognitoConfig:Cognito", "Order", "RedirectConfig:Redirect", "FixedResponseConfig:FixedResponse", "ForwardConfig:Forward", "JwtValidationConfig:Jwt"],
        ["Forward"] = ["TargetGroups:TargetGroupTuple", "TargetGroupStickinessConfig:Stickiness"],
        ["TargetGroupTuple"] = ["TargetGroupArn", "Weight"],
        ["Stickiness"] = ["Enabled", "DurationSeconds"],
        ["Oidc"] = ["Issuer", "AuthorizationEndpoint", "TokenEndpoint", "UserInfoEndpoint", "ClientId", "ClientSecret", "SessionCookieName", "Scope", "SessionTimeout", "AuthenticationRequestExtraParams", "OnUnauthenticatedRequest", "UseExistingClientSecret"],
        ["Cognito"] = ["UserPoolArn", "UserPoolClientId", "UserPoolDomain", "SessionCookieName", "Scope", "SessionTimeout", "AuthenticationRequestExtraParams", "OnUnauthenticatedRequest"],
        ["Redirect"] = ["Protocol", "Port", "Host", "Path", "Query", "StatusCode"],
        ["FixedResponse"] = ["MessageBody", "StatusCode", "ContentType"],
        ["Jwt"] = ["JwksEndpoint", "Issuer", "AdditionalClaims:Claim"],
        ["Claim"] = ["Format", "Name", "Values"],
        [Condition] = ["Field", "Values", "HostHeaderConfig:Values", "PathPatternConfig:Values", "HttpHeaderConfig:HttpHeader", "QueryStringConfig:QueryString", "HttpRequestMethodConfig:Values", "SourceIpConfig:SourceIp", "RegexValues"],
        ["Values"] = ["Values", "RegexValues"],
        ["HttpHeader"] = ["HttpHeaderName", "Values", "RegexValues"],
        ["QueryString"] = ["Values:KeyValue"],
        ["KeyValue"] = ["Key", "Value"],
        ["SourceIp"] = ["Values", "IpAddressType"],
    };

    /// <summary>Members ELBv2 accepts but never reports: the OIDC client secret and the flag to keep it.</summary>
    private static readonly HashSet<string> Unreported = new(StringComparer.Ordinal) { "Oidc.ClientSecret", "Oidc.UseExistingClientSecret" };

    /// <summary>The members of a structure as ELBv2 reports them: model order, unknown members after, unreported ones left out.</summary>
    public static IEnumerable<(string Name, QueryNode Value, string? Shape)> Reported(QueryNode structure, string? shape)
    {
        var members = structure.Members ?? [];
        if (shape is null || !Shapes.TryGetValue(shape, out var known))
        {
            foreach (var (name, value) in members)
            {
                yield return (name, value, null);
            }

            yield break;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in known)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? entry : entry[..colon];
            listed.Add(name);
            if (structure[name] is { } value && !Unreported.Contains(shape + "." + name))
            {
                yield return (name, value, colon < 0 ? null : entry[(colon + 1)..]);
            }
        }

        foreach (var (name, value) in members)
        {
            if (!listed.Contains(name))
            {
                yield return (name, value, null);
            }
        }
    }

    /// <summary>The target groups a forward action sends to (ForwardConfig groups, else TargetGroupArn); none for other actions.</summary>
    public static IEnumerable<string> ForwardTargetGroups(QueryNode action)
    {
        if (action.Text("Type") != "forward")
        {
            return [];
        }

        var groups = action["ForwardConfig"]?.ListOf("TargetGroups").Select(g => g.Text("TargetGroupArn")).OfType<string>().ToList() ?? [];
        if (action.Text("TargetGroupArn") is { Length: > 0 } arn && !groups.Contains(arn, StringComparer.Ordinal))
        {
            groups.Insert(0, arn);
        }

        return groups;
    }

    /// <summary>
    /// Completes a valid forward action as ELBv2 reports it: a plain <c>TargetGroupArn</c> also appears as a
    /// one-group <c>ForwardConfig</c> of weight 1, a one-group <c>ForwardConfig</c> also as <c>TargetGroupArn</c>,
    /// and stickiness not given is reported disabled.
    /// </summary>
    public static void CompleteForward(QueryNode action)
    {
        var config = action["ForwardConfig"] is { Members: not null } structure ? structure : null;
        var groups = config?.ListOf("TargetGroups") ?? [];
        if (groups.Count == 0 && action.Text("TargetGroupArn") is { Length: > 0 } arn)
        {
            config ??= QueryNode.Structure();
            config.Set("TargetGroups", QueryNode.List([QueryNode.Structure(("TargetGroupArn", QueryNode.Leaf(arn)), ("Weight", QueryNode.Leaf("1")))]));
            action.Set("ForwardConfig", config);
        }
        else if (groups.Count == 1 && action.Text("TargetGroupArn") is null && groups[0].Text("TargetGroupArn") is { } only)
        {
            action.Set("TargetGroupArn", QueryNode.Leaf(only));
        }

        if (config is not null && config["TargetGroupStickinessConfig"] is null)
        {
            config.Set("TargetGroupStickinessConfig", QueryNode.Structure(("Enabled", QueryNode.Leaf("false"))));
        }
    }

    /// <summary>The config member of a condition field (<c>path-pattern</c> → <c>PathPatternConfig</c>), or null for an unknown field.</summary>
    public static string? ConditionConfigOf(string field) => field switch
    {
        "host-header" => "HostHeaderConfig",
        "path-pattern" => "PathPatternConfig",
        "http-header" => "HttpHeaderConfig",
        "query-string" => "QueryStringConfig",
        "http-request-method" => "HttpRequestMethodConfig",
        "source-ip" => "SourceIpConfig",
        _ => null,
    };

    /// <summary>
    /// Completes a condition as ELBv2 reports it: for fields with plain values (host, path, method, source IP),
    /// <c>Values</c> and the field's config <c>Values</c> both appear when either was given.
    /// </summary>
    public static void CompleteCondition(QueryNode condition)
    {
        var field = condition.Text("Field");
        if (field is not ("host-header" or "path-pattern" or "http-request-method" or "source-ip"))
        {
            return;
        }

        var configName = ConditionConfigOf(field)!;
        var config = condition[configName] is { Members: not null } structure ? structure : null;
        var plain = condition.ListOf("Values");
        var configured = config?.ListOf("Values") ?? [];
        if (plain.Count > 0 && configured.Count == 0)
        {
            config ??= QueryNode.Structure();
            config.Set("Values", QueryNode.List(plain.Select(v => v.Clone())));
            condition.Set(configName, config);
        }
        else if (plain.Count == 0 && configured.Count > 0)
        {
            condition.Set("Values", QueryNode.List(configured.Select(v => v.Clone())));
        }
    }
}
