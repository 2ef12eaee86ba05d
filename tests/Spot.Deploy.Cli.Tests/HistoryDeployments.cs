using Spot.Deploy.Aws;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Three real Canary deployments of <c>web</c> on an embedded emulator (virtual clock), journaled in the store under test
/// as runner <see cref="Runner"/>: one that succeeded, one that failed and was rolled back, one stopped for a person (unfinished).
/// </summary>
internal sealed record HistoryDeployments(string Succeeded, string RolledBack, string Unfinished, string SpotToken)
{
    public const string App = "web";
    public const string Runner = "alice@ci-7";

    public static async Task<HistoryDeployments> RunAsync(Func<TimeProvider, (IDeploymentJournal Journal, IAppLock Lock)> store)
    {
        await using var sandbox = await Sandbox.StartAsync(realTime: false);
        sandbox.SeedApp(App, new Capacity(1, 1, 2), sandbox.BlueTargetGroup, revision: true);
        var (journal, appLock) = store(sandbox.Clock);
        var services = new DeploymentServices(sandbox.Spot, sandbox.Aws, journal, appLock, sandbox.Clock);

        var succeeded = await DeployAsync(services, sandbox, Sandbox.ImageV2, FailurePolicy.RollBack);
        var rolledBack = await DeployAsync(services, sandbox, Sandbox.BrokenImage, FailurePolicy.RollBack);
        var unfinished = await DeployAsync(services, sandbox, Sandbox.BrokenImage, FailurePolicy.Stop);
        return new HistoryDeployments(succeeded, rolledBack, unfinished, sandbox.Emulator.Options.SpotToken);
    }

    private static async Task<string> DeployAsync(DeploymentServices services, Sandbox sandbox, string image, FailurePolicy onFailure)
    {
        var request = new CanaryDeploymentRequest
        {
            AppName = App,
            Image = new AmiQuery { ImageId = image },
            Capacity = CapacityRequest.SameAsRunning(),
            Document = Sandbox.Document(App, sandbox.BlueTargetGroup),
        };
        request.Phases.Add(new CanaryPhase(PhaseStep.Percent(100)));
        var options = new DeploymentOptions { OnFailure = onFailure, Owner = "history tests", SteadyState = new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(5) } };
        await using var deployment = new CanaryDeployment(services, request, options);
        try
        {
            return (await deployment.RunAsync()).DeploymentId;
        }
        catch (DeploymentFailedException e)
        {
            e.Status.Should().Be(onFailure == FailurePolicy.Stop ? DeploymentStatus.NeedsAttention : DeploymentStatus.RolledBack);
            return e.DeploymentId!;
        }
    }
}
