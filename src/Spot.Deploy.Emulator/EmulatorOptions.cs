namespace Spot.Deploy.Emulator;

/// <summary>Settings of a <see cref="SpotDeployEmulator"/>; every default suits a test.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The Spot token the emulator accepts (<c>Authorization: Bearer …</c>); any other gets HTTP 401.</summary>
    public string SpotToken { get; set; } = "emulator-token";

    /// <summary>The Spot account the emulator serves; calls must name it in <c>accountId</c>.</summary>
    public string AccountId { get; set; } = "act-emulator";

    /// <summary>The AWS region of EC2 and ELBv2.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The AWS account id that owns seeded resources and appears in ARNs.</summary>
    public string AwsAccountId { get; set; } = "123456789012";

    /// <summary>
    /// When set (with <see cref="AwsSecretAccessKey"/>), EC2 and ELBv2 requests must carry a valid SigV4
    /// signature by this key pair; otherwise they must only be signed (an Authorization header is present).
    /// </summary>
    public string? AwsAccessKeyId { get; set; }

    /// <summary>The secret of <see cref="AwsAccessKeyId"/>.</summary>
    public string? AwsSecretAccessKey { get; set; }

    /// <summary>How long an instance stays <c>pending</c> before it runs. Default 30 s.</summary>
    public TimeSpan BootTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a running instance takes to report <c>HEALTHY</c>. Default 30 s.</summary>
    public TimeSpan HealthCheckDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of instance lifecycles, rolls and rate limits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of every random choice (fault probabilities, ids), so runs are reproducible.</summary>
    public int RandomSeed { get; set; } = 1;

    /// <summary>
    /// The largest capacity a group may have: a create, update or capacity change whose maximum is above it is
    /// refused with HTTP 400 <c>VALIDATION_ERROR</c> naming the field (<c>group.capacity.maximum</c>,
    /// <c>capacity.maximum</c>), and <see cref="EmulatorState.SeedGroup"/> throws. The emulator launches a group's
    /// whole target at once, so this bounds the instances it can hold per group. Default 10,000, the bound the
    /// planner plans within (<c>Capacity.MaxPlanned</c>); Spot documents none.
    /// </summary>
    public int MaxCapacity { get; set; } = 10_000;

    /// <summary>
    /// Spot calls allowed per <see cref="SpotRateLimitWindow"/> (a minute, as Spot counts) in each window of
    /// <see cref="SpotRateLimitScope"/>; over it a call is answered 429. 0 (default) does not limit. When set, every Spot
    /// answer carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c>.
    /// </summary>
    public int SpotRequestsPerMinute { get; set; }

    /// <summary>
    /// The traffic each healthy instance brings in, in requests per second of the emulator's clock (see
    /// <see cref="EmulatorState.GetGroupTraffic"/>, CloudWatch's <c>RequestCount</c> and <c>/metrics</c>). Default 10.
    /// </summary>
    public double RequestsPerInstancePerSecond { get; set; } = 10;

    /// <summary>CloudWatch's limit: calls per second (of the emulator's clock) over all actions; 0 (default) does not limit.</summary>
    public int CloudWatchRequestsPerSecond { get; set; }

    /// <summary>What shares one window: each route × method (default, as Spot documents) or the whole account.</summary>
    public SpotRateLimitScope SpotRateLimitScope { get; set; } = SpotRateLimitScope.Route;

    /// <summary>
    /// The sliding window <see cref="SpotRequestsPerMinute"/> counts in. Default 60 s, Spot's; a shorter one lets a test
    /// of real processes on the wall clock see limits reached and reset in seconds.
    /// </summary>
    public TimeSpan SpotRateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The port to listen on (127.0.0.1); 0 picks a free one.</summary>
    public int Port { get; set; }
}
