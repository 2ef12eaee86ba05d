namespace Spot.Deploy.Emulator;

/// <summary>The CloudWatch endpoint and the Prometheus exposition endpoint of the emulator.</summary>
public sealed partial class SpotDeployEmulator
{
    /// <summary>The path prefix of the CloudWatch endpoint.</summary>
    public const string CloudWatchPrefix = "/monitoring";

    /// <summary>The path of the Prometheus exposition endpoint (text format 0.0.4, no authentication).</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The CloudWatch endpoint, query and AWS JSON 1.0 protocols (a CloudWatch client's <c>ServiceURL</c> or <c>endpoint</c>).</summary>
    public Uri CloudWatchEndpoint => new(SpotBaseAddress, CloudWatchPrefix.TrimStart('/') + "/");

    /// <summary>The Prometheus exposition endpoint: per-group and per-target-group request and error counters on the emulator's clock.</summary>
    public Uri MetricsEndpoint => new(SpotBaseAddress, MetricsPath.TrimStart('/'));

    /// <summary>The times of CloudWatch calls in the last second, for <see cref="EmulatorOptions.CloudWatchRequestsPerSecond"/>.</summary>
    internal Queue<DateTimeOffset> CloudWatchWindow { get; } = new();
}
