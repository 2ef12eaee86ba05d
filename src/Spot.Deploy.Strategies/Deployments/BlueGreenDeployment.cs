using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>A Blue/Green deployment: a stage group behind the stage routes, then a swap (or weighted shift) of production traffic.</summary>
public sealed class BlueGreenDeployment : Deployment
{
    /// <summary>Creates the deployment (nothing happens until it is run).</summary>
    /// <param name="services">Clients (an AwsConnection is required), journal, lock, clock.</param>
    /// <param name="request">What to deploy, with the routes.</param>
    /// <param name="options">How (default <see cref="DeploymentOptions"/>).</param>
    public BlueGreenDeployment(DeploymentServices services, BlueGreenDeploymentRequest request, DeploymentOptions? options = null)
        : base(services, options)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
    }

    /// <summary>The request.</summary>
    public BlueGreenDeploymentRequest Request { get; }

    /// <inheritdoc />
    public override DeploymentStrategy Strategy => DeploymentStrategy.BlueGreen;

    private protected override string AppNameForLock => Request.AppName;

    private protected override Task<CompiledDeployment> CompileAsync(CancellationToken cancellationToken) =>
        BlueGreenCompiler.CompileAsync(Services, Request, cancellationToken);
}
