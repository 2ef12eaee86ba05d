using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>What an operation performs with: the clients and options, the journal, the deployment's state, its reporting.</summary>
internal sealed class OperationContext
{
    public OperationContext(DeploymentServices services, DeploymentOptions options, CompiledDeployment compiled, string deploymentId, RunState state, ILogger logger)
    {
        Services = services;
        Options = options;
        Compiled = compiled;
        DeploymentId = deploymentId;
        State = state;
        Logger = logger;
        Waiter = new SteadyStateWaiter(services.Spot, services.Aws?.Traffic, services.TimeProvider);
    }

    public DeploymentServices Services { get; }

    public DeploymentOptions Options { get; }

    public CompiledDeployment Compiled { get; }

    public string DeploymentId { get; }

    public RunState State { get; }

    public ILogger Logger { get; }

    public SteadyStateWaiter Waiter { get; }

    public IProgress<DeploymentEvent>? Progress { get; set; }

    public IElastigroupClient Spot => Services.Spot;

    public TimeProvider Time => Services.TimeProvider;

    public TrafficRouter Traffic =>
        Services.Aws?.Traffic ?? throw new InvalidOperationException("This step switches ALB routes: the deployment services need an AwsConnection.");

    public void Report(DeploymentEvent e) => Progress?.Report(e);

    public void Warn(string message)
    {
        DeploymentLog.Warning(Logger, DeploymentId, message);
        Report(new DeploymentWarningEvent(Time.GetUtcNow(), message));
    }

    /// <summary>Logs a warning without an event (a retry in progress).</summary>
    public void LogWarning(string message) => DeploymentLog.Warning(Logger, DeploymentId, message);

    public Task NoteAsync(string stepId, string operation, JsonObject data, CancellationToken cancellationToken) =>
        Services.Journal.AppendAsync(DeploymentId, JournalEntry.Note(stepId, operation, data), cancellationToken);

    /// <summary>The group named exactly <paramref name="name"/> (the oldest when several are), or null.</summary>
    public async Task<string?> FindGroupByNameAsync(string name, CancellationToken cancellationToken)
    {
        var groups = await Spot.ListGroupsAsync(name, cancellationToken).ConfigureAwait(false);
        return groups.Where(g => string.Equals(g.Name, name, StringComparison.Ordinal)).OrderBy(g => g.CreatedAt).FirstOrDefault()?.Id;
    }

    /// <summary>The id of the group this deployment creates: from the journal, else looked up by its planned name.</summary>
    public async Task<string?> NewGroupIdAsync(CancellationToken cancellationToken)
    {
        State.NewGroupId ??= await FindGroupByNameAsync(Compiled.NewGroupName!, cancellationToken).ConfigureAwait(false);
        return State.NewGroupId;
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
