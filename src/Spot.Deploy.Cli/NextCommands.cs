namespace Spot.Deploy.Cli;

/// <summary>
/// What to run after a deployment stopped without finishing (cancelled, stopped for a person): the exact
/// <c>resume</c>/<c>rollback</c> commands with the same state and endpoint options — or, for an <c>--emulator</c> run, that the
/// journal was in memory and ended with the process, so there is nothing left to resume.
/// </summary>
internal static class NextCommands
{
    /// <summary>The state option as typed: <c>--state postgres</c>, <c>--state-dir DIR</c>, or nothing (the default directory).</summary>
    public static string StateFlags(string? stateDir, bool postgres) =>
        postgres ? " --state postgres" : stateDir is { } dir ? " --state-dir " + Cli.Quote(dir) : string.Empty;

    /// <summary>
    /// The endpoint options as typed (a run against <c>spot-deploy emulator</c> or a private endpoint), then the credential
    /// and account options (<see cref="CredentialFlags.AsArguments"/>: names and the token file's path, never a secret).
    /// </summary>
    public static string EndpointFlags(Endpoints endpoints) => string.Concat(
        endpoints.Spot is { } spot ? " --spot-url " + Cli.Quote(spot.ToString()) : string.Empty,
        endpoints.Ec2 is { } ec2 ? " --ec2-endpoint " + Cli.Quote(ec2.ToString()) : string.Empty,
        endpoints.ElasticLoadBalancing is { } elb ? " --elb-endpoint " + Cli.Quote(elb.ToString()) : string.Empty,
        endpoints.Ssm is { } ssm ? " --ssm-endpoint " + Cli.Quote(ssm.ToString()) : string.Empty,
        endpoints.CloudWatch is { } cloudWatch ? " --cloudwatch-endpoint " + Cli.Quote(cloudWatch.ToString()) : string.Empty,
        endpoints.Credentials?.AsArguments());

    /// <summary>The commands that go on from deployment <paramref name="id"/>, one per line, or the in-memory note for <c>--emulator</c>.</summary>
    public static IReadOnlyList<string> For(string id, string stateFlags, string endpointFlags, bool emulator) =>
        emulator
            ? ["The journal of an --emulator run was in memory and ended with this process: there is nothing left to resume or roll back (run with a state directory and 'spot-deploy emulator' to try resume and rollback)."]
            :
            [
                "Look at the app (spot-deploy status), then go on with one of:",
                $"  spot-deploy resume {id}{stateFlags}{endpointFlags}",
                $"  spot-deploy rollback {id}{stateFlags}{endpointFlags}",
            ];
}
