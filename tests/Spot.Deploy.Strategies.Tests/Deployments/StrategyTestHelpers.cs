using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>The load balancer of a Blue/Green test: production forwards to blue, stage to green.</summary>
/// <param name="LoadBalancer">The ALB.</param>
/// <param name="Blue">The production target group.</param>
/// <param name="Green">The stage target group.</param>
/// <param name="ProductionListener">Port 443.</param>
/// <param name="StageListener">Port 8443.</param>
/// <param name="Production">The production route (the listener's default rule, or a rule).</param>
/// <param name="Stage">The stage route.</param>
internal sealed record BlueGreenRoutes(string LoadBalancer, string Blue, string Green, string ProductionListener, string StageListener, ListenerRoute Production, ListenerRoute Stage)
{
    public BlueGreenLoadBalancer LoadBalancerRoutes => new(Production, Stage);
}

/// <summary>What the strategy tests share beyond <see cref="DeploymentTestBase"/>: requests, routes, and views of the emulator.</summary>
public abstract class StrategyTestBase : DeploymentTestBase
{
    protected static readonly TimeSpan ShortSteadyStateTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Options whose steady-state waits give up after 5 minutes (fake time), so never-healthy cases fail quickly.</summary>
    protected static DeploymentOptions ShortTimeouts(bool restoreScaledDown = true) => new()
    {
        SteadyState = { Timeout = ShortSteadyStateTimeout },
        RestoreScaledDownGroupsOnRollback = restoreScaledDown,
    };

    protected static BasicDeploymentRequest BasicRequest(CapacityRequest? capacity = null, int retained = SetupRequest.DefaultRetainedEmptyRevisions)
    {
        var request = new BasicDeploymentRequest { AppName = App, Document = Document(), RetainedEmptyRevisions = retained };
        if (capacity is not null)
        {
            request.Capacity = capacity;
        }

        request.UseImage(NewImage);
        return request;
    }

    protected static CanaryDeploymentRequest CanaryRequest(params CanaryPhase[] phases)
    {
        var request = new CanaryDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        foreach (var phase in phases)
        {
            request.Phases.Add(phase);
        }

        return request;
    }

    internal static BlueGreenDeploymentRequest BlueGreenRequest(BlueGreenRoutes routes)
    {
        var request = new BlueGreenDeploymentRequest { AppName = App, Document = Document(routes.Blue) };
        request.UseImage(NewImage);
        request.LoadBalancers.Add(routes.LoadBalancerRoutes);
        return request;
    }

    protected static SpotRollDeploymentRequest RollRequest(string? groupId = null, int batch = 50)
    {
        var request = new SpotRollDeploymentRequest { AppName = App, GroupId = groupId, BatchSizePercentage = batch, GracePeriodSeconds = 300 };
        request.UseImage(NewImage);
        return request;
    }

    /// <summary>
    /// One ALB with a production listener (443) forwarding to blue and a stage listener (8443) forwarding to green;
    /// with <paramref name="conditionalRules"/> the routes are host-header rules on those listeners and the listeners'
    /// default actions forward to a third target group nobody deploys to.
    /// </summary>
    internal BlueGreenRoutes SeedRoutes(bool conditionalRules = false)
    {
        var lb = State.SeedLoadBalancer("web-alb");
        var blue = State.SeedTargetGroup("web-blue");
        var green = State.SeedTargetGroup("web-green");
        if (!conditionalRules)
        {
            var prod = State.SeedListener(lb, 443, blue);
            var stage = State.SeedListener(lb, 8443, green);
            return new BlueGreenRoutes(lb, blue, green, prod, stage, new ListenerRoute(prod), new ListenerRoute(stage));
        }

        var fallback = State.SeedTargetGroup("web-default");
        var prodListener = State.SeedListener(lb, 443, fallback);
        var stageListener = State.SeedListener(lb, 8443, fallback);
        var prodRule = State.SeedRule(prodListener, 10, "host-header", ["www.example.com"], blue);
        var stageRule = State.SeedRule(stageListener, 10, "host-header", ["stage.example.com"], green);
        return new BlueGreenRoutes(lb, blue, green, prodListener, stageListener, new ListenerRoute(prodListener, prodRule), new ListenerRoute(stageListener, stageRule));
    }

    /// <summary>The route's action list exactly as ELBv2 reports it (JSON text).</summary>
    protected string Actions(ListenerRoute route) =>
        (route.RuleArn is null ? State.GetListenerActions(route.ListenerArn) : State.GetRuleActions(route.RuleArn)).ToJsonString();

    /// <summary>The target groups (and weights) the route forwards to now: <c>arn=weight</c> from its ForwardConfig.</summary>
    protected IReadOnlyList<string> ForwardWeights(ListenerRoute route)
    {
        var actions = route.RuleArn is null ? State.GetListenerActions(route.ListenerArn) : State.GetRuleActions(route.RuleArn);
        var forward = actions.Single(a => (string?)a!["Type"] == "forward")!;
        return [.. forward["ForwardConfig"]!["TargetGroups"]!.AsArray().Select(tg => $"{(string?)tg!["TargetGroupArn"]}={(string?)tg["Weight"]}")];
    }

    /// <summary>
    /// Replaces a rule's actions through the real client (ModifyRule): used to seed rules that do not forward,
    /// such as a fixed response or a redirect, which the emulator's seeding helpers do not make.
    /// </summary>
    /// <param name="listenerArn">The rule's listener.</param>
    /// <param name="ruleArn">The rule.</param>
    /// <param name="actionsXml">The new actions, as ELBv2 <c>member</c> elements.</param>
    protected async Task ReplaceRuleActionsAsync(string listenerArn, string ruleArn, params string[] actionsXml)
    {
        var route = new RouteRef(listenerArn, ruleArn);
        var current = await Aws.Traffic.ResolveForwardAsync(route);
        await Aws.Traffic.RestoreAsync(new RouteChange(route, "ModifyRule", ruleArn, [.. actionsXml.Select(RuleAction.Parse)], current.Actions));
    }

    /// <summary>The id of the only group with this name.</summary>
    protected string IdOf(string name) => State.Groups.Single(g => g.Name == name).Id;

    /// <summary>The names of every group in the account now, sorted.</summary>
    protected IReadOnlyList<string> GroupNames() => [.. State.Groups.Select(g => g.Name ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal)];

    /// <summary>Instances of the group that are running and HEALTHY now, per the emulator.</summary>
    protected int HealthyInstances(string groupId) =>
        State.GetInstances(groupId).Count(i => i.State == "running" && i.Health == "HEALTHY");

    /// <summary>Live (not terminated) instances of the group and their images.</summary>
    protected IReadOnlyList<string> LiveImages(string groupId) =>
        [.. State.GetInstances(groupId).Where(i => i.State != "terminated").Select(i => i.ImageId)];

    internal static IReadOnlyList<string> CapacityChanges(Recorder recorder) =>
        [.. recorder.Of<CapacityChangedEvent>().Select(Describe)];

    protected static string Describe(CapacityChangedEvent change) =>
        $"{change.Name} {change.Capacity.Minimum}/{change.Capacity.Target}/{change.Capacity.Maximum}";

    /// <summary>The descriptions of the steps that ran forward (not the rollback's), in order.</summary>
    internal static IReadOnlyList<string> ForwardSteps(Recorder recorder) =>
        [.. recorder.Events.TakeWhile(e => e is not RollbackStartedEvent).OfType<StepStartedEvent>().Select(s => s.Description)];

    protected async Task<DeploymentRecord> RecordAsync(string deploymentId) =>
        (await Journal.LoadAsync(deploymentId)) ?? throw new InvalidOperationException($"No journal record {deploymentId}.");

    /// <summary>
    /// Every forward step of the journal was written as an intent before its result, and succeeded (or, for a
    /// clean-up, ended at all); returns the step ids in the order their intents were written.
    /// </summary>
    protected static IReadOnlyList<string> IntentsThenSucceeded(DeploymentRecord record)
    {
        var steps = new List<string>();
        foreach (var entry in record.Entries.Where(e => e.Kind == JournalEntryKind.Intent))
        {
            var result = record.Entries.FirstOrDefault(e => e.Kind == JournalEntryKind.Result && e.StepId == entry.StepId && e.Sequence > entry.Sequence);
            result.Should().NotBeNull($"step {entry.StepId} has a result after its intent");
            result!.Outcome.Should().Be(JournalOutcome.Succeeded, $"step {entry.StepId} succeeded");
            steps.Add(entry.StepId);
        }

        return steps;
    }

    /// <summary>Checks nothing changed: no mutating call reached the emulator.</summary>
    protected void NoMutatingCall() =>
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path} {c.Action}").Should().BeEmpty();

    /// <summary>Seeds a group whose launch specification names its AMI in <c>images</c> rather than <c>imageId</c>.</summary>
    protected string SeedGroupWithImages(string name, Capacity capacity, string image = OldImage, params string[] moreImages)
    {
        var group = (JsonObject)Document().Group.DeepClone();
        group["name"] = name;
        group["capacity"] = new JsonObject { ["minimum"] = capacity.Minimum, ["target"] = capacity.Target, ["maximum"] = capacity.Maximum, ["unit"] = "instance" };
        var launchSpecification = group["compute"]!["launchSpecification"]!.AsObject();
        launchSpecification.Remove("imageId");
        launchSpecification["images"] = new JsonArray([.. new[] { image }.Concat(moreImages).Select(i => (JsonNode)new JsonObject { ["id"] = i })]);
        return State.SeedGroup(group);
    }
}

/// <summary>A journal that counts what is asked of it (to prove a dry run writes nothing).</summary>
internal sealed class WriteCountingJournal(IDeploymentJournal inner) : IDeploymentJournal
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.CreateAsync(record, cancellationToken);
    }

    public Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.AppendAsync(deploymentId, entry, cancellationToken);
    }

    public Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default) => inner.LoadAsync(deploymentId, cancellationToken);

    public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);

    public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default) => inner.ListByAppAsync(appName, cancellationToken);

    public Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        return inner.SetStatusAsync(deploymentId, status, cancellationToken);
    }
}
