using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>A Canary deployment: a new revision group <c>A__N</c> grows phase by phase while the previous one shrinks.</summary>
public sealed class CanaryDeployment : Deployment
{
    /// <summary>Creates the deployment (nothing happens until it is run).</summary>
    /// <param name="services">Clients, journal, lock, clock.</param>
    /// <param name="request">What to deploy, with its phases.</param>
    /// <param name="options">How (default <see cref="DeploymentOptions"/>).</param>
    public CanaryDeployment(DeploymentServices services, CanaryDeploymentRequest request, DeploymentOptions? options = null)
        : base(services, options)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
    }

    /// <summary>The request.</summary>
    public CanaryDeploymentRequest Request { get; }

    /// <inheritdoc />
    public override DeploymentStrategy Strategy => DeploymentStrategy.Canary;

    private protected override string AppNameForLock => Request.AppName;

    private protected override Task<CompiledDeployment> CompileAsync(CancellationToken cancellationToken) =>
        RevisionsCompiler.CompileAsync(Services, Options, Request, [.. Request.Phases ?? []],
            Request.RetainedEmptyRevisions, Request.AdoptUnversionedGroup, DeploymentStrategy.Canary, cancellationToken);
}
