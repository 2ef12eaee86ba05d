namespace Spot.Deploy.Cli;

/// <summary>
/// Who and where deployments are started, as the journal records it for the history: <c>SPOT_DEPLOY_RUNNER</c> when set
/// (e.g. <c>ci/deploy-web#412</c> in a pipeline), otherwise <c>user@machine</c>.
/// </summary>
internal static class RunnerName
{
    public const string EnvironmentVariable = "SPOT_DEPLOY_RUNNER";

    /// <summary>The variable's value, or null (the store's default, <c>user@machine</c>) when it is unset or empty.</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;
}
