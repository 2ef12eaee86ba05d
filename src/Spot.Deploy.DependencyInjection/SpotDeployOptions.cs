using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Settings of <see cref="SpotDeployServiceCollectionExtensions.AddSpotDeploy(IServiceCollection, Action{SpotDeployOptions}?)"/>:
/// where journals and locks live, the Elastigroup client, the optional AWS connection and how deployments
/// run. A plain class; checked when a service that needs it is first resolved.
/// </summary>
public sealed class SpotDeployOptions
{
    /// <summary>
    /// The directory for deployment journals (<c>{StateDirectory}/journal</c>) and app-lock files
    /// (<c>{StateDirectory}/locks</c>); created on first use. Must be an absolute path, so every process
    /// of the machine sees the same journals and locks whatever its working directory. Default
    /// <see cref="DefaultStateDirectory"/>.
    /// </summary>
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    /// <summary>
    /// The Elastigroup client's settings (token and account default to <c>SPOTINST_TOKEN</c> /
    /// <c>SPOTINST_ACCOUNT</c>). They are copied onto the <see cref="ElastigroupClientOptions"/> the client
    /// is built from; <c>services.Configure&lt;ElastigroupClientOptions&gt;(…)</c> registered after
    /// <c>AddSpotDeploy</c> applies on top of them.
    /// </summary>
    public ElastigroupClientOptions Elastigroup { get; set; } = new();

    /// <summary>
    /// The AWS connection (AMI queries, ALB routes for Blue/Green, target-group health), or null (default).
    /// Null and no <c>IAmazonEC2</c> registered: no <see cref="AwsConnection"/> is available
    /// (<c>GetService&lt;AwsConnection&gt;()</c> returns null), images must be given by id and Blue/Green deployments
    /// cannot run. Set it — in code, or with an <c>Aws</c> configuration section — or register an <c>IAmazonEC2</c>
    /// (<c>AddAWSService&lt;IAmazonEC2&gt;()</c>) to get a connection. Its region and credentials, when not set here,
    /// come from the AWS SDK's <c>AWSOptions</c> (registered, or the configuration's <c>AWS</c> section), then from
    /// <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c> and the default credential chain. The environment alone never creates one.
    /// </summary>
    public AwsConnectionOptions? Aws { get; set; }

    /// <summary>How deployments (and resumed deployments) run: failure policy, steady-state waits, gates, timeouts.</summary>
    public DeploymentOptions Deployment { get; set; } = new();

    /// <summary>
    /// The default <see cref="StateDirectory"/>: <c>spot-deploy</c> in the user's local application data
    /// (<c>%LOCALAPPDATA%\spot-deploy</c> on Windows, <c>~/.local/share/spot-deploy</c> on Linux).
    /// </summary>
    public static string DefaultStateDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "spot-deploy");
}
