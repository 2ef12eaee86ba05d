using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>What the CloudWatch checks share: which client reads (the check's own, else the deployment's), and the refusal of a check with none.</summary>
internal static class CloudWatchChecks
{
    /// <summary>The check's own client, else the deployment's (<see cref="AnalysisContext.CloudWatch"/>).</summary>
    public static CloudWatchClient ClientFor(string check, CloudWatchClient? own, AnalysisContext context) =>
        own ?? context.CloudWatch ?? throw new InvalidOperationException(NoClient(check));

    /// <summary>
    /// Refuses, before anything changes, an analysis with a CloudWatch check that has no client of its own when the
    /// deployment has no AWS connection (or one without CloudWatch).
    /// </summary>
    public static void Require(Analysis? analysis, DeploymentServices services)
    {
        if (services.Aws?.CloudWatch is not null || analysis?.Checks is null)
        {
            return;
        }

        foreach (var check in analysis.Checks)
        {
            if (check is not null && check.NeedsDeploymentCloudWatch)
            {
                throw new DeploymentValidationException($"check '{check.Name}'", NoClient(check.Name));
            }
        }
    }

    private static string NoClient(string check) =>
        $"check '{check}' reads CloudWatch but the deployment has no AWS connection with CloudWatch: create the DeploymentServices with an AwsConnection (the CLI always does: AWS_REGION and the AWS credentials, or the emulator with --emulator), or give the check its own CloudWatch client.";
}
