using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Cli;

/// <summary>
/// Turns <see cref="CredentialFlags"/> and the environment into the Spot and AWS options of a command, before any call.
/// Each value comes from the first of: its flag, its environment variable, the AWS profile (region only). Reads the
/// environment only through <see cref="Environment"/>, so tests give their own without touching the process's.
/// </summary>
internal static class CredentialResolver
{
    /// <summary>The largest token file read: a Spot token is well under 1 KiB.</summary>
    internal const int MaxTokenFileBytes = 64 * 1024;

    /// <summary>For tests: the environment variables this async flow sees instead of the process's.</summary>
    internal static AsyncLocal<Func<string, string?>?> Environment { get; } = new();

    private static Func<string, string?> Variables => Environment.Value ?? System.Environment.GetEnvironmentVariable;

    /// <summary>The Spot options (token, account) and AWS options (region, credentials) of <paramref name="flags"/>; endpoints are the caller's.</summary>
    public static ResolvedCredentials Resolve(CredentialFlags flags)
    {
        var env = Variables;
        var spot = new ElastigroupClientOptions
        {
            // Empty rather than null: the client would otherwise read the process's variables itself.
            Token = flags.SpotTokenFile is { } file ? ReadTokenFile(file) : env(ElastigroupClientOptions.TokenVariable) ?? string.Empty,
            AccountId = flags.SpotAccount ?? env(ElastigroupClientOptions.AccountVariable) ?? string.Empty,
        };
        if (spot.Token.Length == 0)
        {
            throw new CliUsageException($"no Spot API token: give --spot-token-file FILE or set {ElastigroupClientOptions.TokenVariable}; nothing was called or changed");
        }

        if (spot.AccountId.Length == 0)
        {
            throw new CliUsageException($"no Spot account: give --spot-account act-… or set {ElastigroupClientOptions.AccountVariable}; nothing was called or changed");
        }

        if (flags.SpotAccount is null)
        {
            CredentialInputs.CheckAccount(spot.AccountId, ElastigroupClientOptions.AccountVariable);
        }

        var (profileName, profileSource) = flags.Profile is { } p ? (p, "--profile") : env("AWS_PROFILE") is { Length: > 0 } e ? (e, "AWS_PROFILE") : (null, null);
        var profiles = new CredentialProfileStoreChain(env(SharedCredentialsFile.SharedCredentialsFileEnvVar) is { Length: > 0 } location ? location : null);
        AWSCredentials? credentials = null;
        CredentialProfile? profile = null;
        if (profileName is not null)
        {
            if (!profiles.TryGetProfile(profileName, out profile))
            {
                throw new CliUsageException($"{profileSource}: there is no AWS profile '{profileName}' in {Files(profiles)}; nothing was called or changed");
            }

            if (!profiles.TryGetAWSCredentials(profileName, out credentials) || credentials is null)
            {
                throw new CliUsageException($"{profileSource}: the AWS profile '{profileName}' in {Files(profiles)} has no credentials (keys, a role, SSO or a credential_process); nothing was called or changed");
            }
        }
        else if (profiles.TryGetProfile(SharedCredentialsFile.DefaultProfileName, out var fallback))
        {
            // Only its region: the keys stay with the SDK's own chain, as before these flags existed.
            profile = fallback;
        }

        var (region, regionSource) =
            flags.Region is { } r ? (r, "--region")
            : env("AWS_REGION") is { Length: > 0 } awsRegion ? (awsRegion, "AWS_REGION")
            : env("AWS_DEFAULT_REGION") is { Length: > 0 } defaultRegion ? (defaultRegion, "AWS_DEFAULT_REGION")
            : profile?.Region?.SystemName is { Length: > 0 } profileRegion ? (profileRegion, $"the region of AWS profile '{profile.Name}'")
            : throw new CliUsageException("no AWS region: give --region REGION, set AWS_REGION (or AWS_DEFAULT_REGION), or put a region in the AWS profile; nothing was called or changed");
        CredentialInputs.CheckRegion(region, regionSource);
        return new ResolvedCredentials(spot, new AwsConnectionOptions { Region = region, Credentials = credentials }, profileName);
    }

    /// <summary>The token in <paramref name="path"/>, trimmed. Errors name the file, never what it holds.</summary>
    internal static string ReadTokenFile(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliUsageException($"--spot-token-file: no such file '{path}'");
            }

            if (info.Length > MaxTokenFileBytes)
            {
                throw new CliUsageException($"--spot-token-file '{path}' is larger than {MaxTokenFileBytes / 1024} KiB: it should hold only the Spot API token");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // The exception's message names the path and the reason, never the content.
            throw new CliUsageException($"--spot-token-file '{path}' cannot be read: {e.Message}");
        }

        var token = text.Trim();
        return token.Length > 0 ? token : throw new CliUsageException($"--spot-token-file '{path}' is empty: it should hold the Spot API token");
    }

    private static string Files(CredentialProfileStoreChain profiles) =>
        profiles.ProfilesLocation is { } location ? $"'{location}' (and the config file beside it)" : "the AWS config and credentials files (~/.aws/config, ~/.aws/credentials)";
}

/// <summary>What <see cref="CredentialResolver"/> found. Its options never show a token or key (their <c>ToString</c> masks them).</summary>
internal sealed class ResolvedCredentials(ElastigroupClientOptions spot, AwsConnectionOptions aws, string? profile)
{
    public ElastigroupClientOptions Spot { get; } = spot;

    public AwsConnectionOptions Aws { get; } = aws;

    /// <summary>The AWS profile whose credentials sign the calls, or null for the SDK's default chain.</summary>
    public string? Profile { get; } = profile;

    public override string ToString() => $"Spot: {Spot}; AWS: {Aws}{(Profile is null ? string.Empty : ", profile " + Profile)}";
}
