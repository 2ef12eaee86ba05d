using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>A Spot-managed roll: the group's image updated in place and its instances replaced by Spot's blue/green roll.</summary>
public sealed class SpotRollDeployment : Deployment
{
    /// <summary>Creates the deployment (nothing happens until it is run).</summary>
    /// <param name="services">Clients, journal, lock, clock.</param>
    /// <param name="request">What to roll.</param>
    /// <param name="options">How (default <see cref="DeploymentOptions"/>).</param>
    public SpotRollDeployment(DeploymentServices services, SpotRollDeploymentRequest request, DeploymentOptions? options = null)
        : base(services, options)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
    }

    /// <summary>The request.</summary>
    public SpotRollDeploymentRequest Request { get; }

    /// <inheritdoc />
    public override DeploymentStrategy Strategy => DeploymentStrategy.SpotRoll;

    private protected override string AppNameForLock => Request.AppName;

    private protected override Task<CompiledDeployment> CompileAsync(CancellationToken cancellationToken) =>
        SpotRollCompiler.CompileAsync(Services, Request, Options, cancellationToken);
}
