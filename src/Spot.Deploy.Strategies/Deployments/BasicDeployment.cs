using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>A Basic deployment: a new revision group <c>A__N</c> takes over in one phase at 100 %.</summary>
public sealed class BasicDeployment : Deployment
{
    /// <summary>Creates the deployment (nothing happens until it is run).</summary>
    /// <param name="services">Clients, journal, lock, clock.</param>
    /// <param name="request">What to deploy.</param>
    /// <param name="options">How (default <see cref="DeploymentOptions"/>).</param>
    public BasicDeployment(DeploymentServices services, BasicDeploymentRequest request, DeploymentOptions? options = null)
        : base(services, options)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
    }

    /// <summary>The request.</summary>
    public BasicDeploymentRequest Request { get; }

    /// <inheritdoc />
    public override DeploymentStrategy Strategy => DeploymentStrategy.Basic;

    private protected override string AppNameForLock => Request.AppName;

    private protected override Task<CompiledDeployment> CompileAsync(CancellationToken cancellationToken) =>
        RevisionsCompiler.CompileAsync(Services, Options, Request, [new Planning.CanaryPhase(Planning.PhaseStep.Percent(100))],
            Request.RetainedEmptyRevisions, Request.AdoptUnversionedGroup, DeploymentStrategy.Basic, cancellationToken);
}
