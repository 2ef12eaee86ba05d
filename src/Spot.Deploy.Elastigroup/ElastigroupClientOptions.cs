using System.Globalization;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// Settings of an <see cref="ElastigroupClient"/>. A plain class: set what you need, leave the rest at
/// the documented defaults. <see cref="Validate"/> runs once when a client is created.
/// </summary>
public sealed class ElastigroupClientOptions
{
    /// <summary>Spot's API address: <c>https://api.spotinst.io</c>.</summary>
    public static Uri DefaultBaseAddress { get; } = new("https://api.spotinst.io");

    /// <summary>The environment variable Spot's own SDKs read the token from.</summary>
    public const string TokenVariable = "SPOTINST_TOKEN";

    /// <summary>The environment variable Spot's own SDKs read the account id from.</summary>
    public const string AccountVariable = "SPOTINST_ACCOUNT";

    /// <summary>Where the API is; default <see cref="DefaultBaseAddress"/> (point it at the emulator in tests).</summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>
    /// The Spot API token (sent as <c>Authorization: Bearer</c>). When null, <c>SPOTINST_TOKEN</c> is read
    /// when the client is created. Never logged, never in exceptions or <see cref="ToString"/>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>The Spot account id (<c>act-…</c>) sent as <c>accountId</c>; when null, <c>SPOTINST_ACCOUNT</c> is read.</summary>
    public string? AccountId { get; set; }

    /// <summary>How long one attempt of one call may take before it is abandoned. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed call that is safe to repeat is retried. Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// How long a call refused with 429 keeps being retried beyond <see cref="MaxRetries"/>: Spot did nothing, so a retry
    /// is safe, and runners sharing an account can lose the race for a window several times in a row. Each retry waits
    /// for the reset (plus jitter). Default 3 minutes; <see cref="TimeSpan.Zero"/>: 429s count against
    /// <see cref="MaxRetries"/> like any failure.
    /// </summary>
    public TimeSpan RateLimitedRetryTime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts (except what a 429's <c>X-RateLimit-Reset</c> demands). Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Client-side limit of calls per route and method in any 60 s window, shared by every client that
    /// shares a <see cref="SpotRateLimiter"/>, which also backs off on 429s and <c>X-RateLimit-Remaining</c> (docs/elastigroup.md).
    /// Default 300; 0 turns the limiter off, back-off included (a 429 is still retried after its reset).
    /// </summary>
    public int RequestsPerMinutePerRoute { get; set; } = SpotRateLimiter.DefaultRequestsPerMinute;

    /// <summary>
    /// A limiter shared between clients (so many concurrent deployments stay under Spot's limit
    /// together). Null: each client gets its own from <see cref="RequestsPerMinutePerRoute"/>.
    /// </summary>
    public SpotRateLimiter? RateLimiter { get; set; }

    /// <summary>The clock for delays, timeouts and rate limiting. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of the retry jitter, for reproducible tests; null for a random seed.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>Extra text appended to the User-Agent (e.g. your tool's name and version).</summary>
    public string? UserAgentSuffix { get; set; }

    /// <summary>Reads <c>SPOTINST_TOKEN</c> and <c>SPOTINST_ACCOUNT</c> into a new options object.</summary>
    public static ElastigroupClientOptions FromEnvironment() => new()
    {
        Token = Environment.GetEnvironmentVariable(TokenVariable),
        AccountId = Environment.GetEnvironmentVariable(AccountVariable),
    };

    /// <summary>Checks every setting and throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttps && BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("BaseAddress must be an absolute http(s) address.", nameof(BaseAddress));
        }

        if (string.IsNullOrWhiteSpace(Token))
        {
            throw new ArgumentException($"A Spot API token is required: set Token or the {TokenVariable} environment variable.", nameof(Token));
        }

        if (Token.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("The Spot API token must not contain white space.", nameof(Token));
        }

        if (string.IsNullOrWhiteSpace(AccountId))
        {
            throw new ArgumentException($"A Spot account id is required: set AccountId or the {AccountVariable} environment variable.", nameof(AccountId));
        }

        Positive(AttemptTimeout, nameof(AttemptTimeout));
        Positive(RetryBaseDelay, nameof(RetryBaseDelay));
        Positive(MaxRetryDelay, nameof(MaxRetryDelay));
        if (MaxRetries is < 0 or > 20)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"MaxRetries must be between 0 and 20 (was {MaxRetries})."), nameof(MaxRetries));
        }

        if (RateLimitedRetryTime < TimeSpan.Zero)
        {
            throw new ArgumentException("RateLimitedRetryTime must not be negative.", nameof(RateLimitedRetryTime));
        }

        if (RequestsPerMinutePerRoute < 0)
        {
            throw new ArgumentException("RequestsPerMinutePerRoute must not be negative.", nameof(RequestsPerMinutePerRoute));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider is required.", nameof(TimeProvider));
        }
    }

    /// <summary>A copy with the token and account filled from the environment where they are null.</summary>
    internal ElastigroupClientOptions WithEnvironmentDefaults()
    {
        var copy = (ElastigroupClientOptions)MemberwiseClone();
        copy.Token ??= Environment.GetEnvironmentVariable(TokenVariable);
        copy.AccountId ??= Environment.GetEnvironmentVariable(AccountVariable);
        return copy;
    }

    /// <summary>Describes the settings; the token is shown only as set or not set.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"BaseAddress={BaseAddress}, AccountId={AccountId ?? "(env)"}, Token={(string.IsNullOrEmpty(Token) ? "(not set)" : "***")}, AttemptTimeout={AttemptTimeout}, MaxRetries={MaxRetries}");

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(name + " must be positive.", name);
        }
    }
}
