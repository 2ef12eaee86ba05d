using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Cli;

/// <summary>
/// Input checks made before a command reads or changes anything, so that each problem is one line and exit code 3
/// (<see cref="CliUsageException"/>) instead of a failure in the middle of a run.
/// </summary>
internal static class Preflight
{
    /// <summary>
    /// Reads the <c>--document</c> file: every problem with it — unreadable, too large, too deep, not JSON, repeated
    /// property names, invalid UTF-8 — is invalid input. Called while the flags are read, before any target starts.
    /// </summary>
    public static ElastigroupDocument LoadDocument(string path)
    {
        try
        {
            return ElastigroupDocument.LoadFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--document '{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// Resolves the AWS credentials the way the calls will (the SDK's default chain: environment, shared profile, web
    /// identity, container and instance role) and refuses, in one line saying how to provide them, when there are none.
    /// Without this the first AWS call failed with the SDK's four-exception dump and exit code 2.
    /// </summary>
    public static async Task RequireAwsCredentialsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? accessKey;
        try
        {
            var credentials = new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null!, cancellationToken);
            accessKey = (await credentials.GetCredentialsAsync())?.AccessKey;
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException)
        {
            accessKey = null;
        }

        if (string.IsNullOrEmpty(accessKey))
        {
            throw new CliUsageException(MissingAwsCredentials(Environment.GetEnvironmentVariable));
        }
    }

    /// <summary>The one line for missing AWS credentials, naming what was looked at and how to provide them.</summary>
    internal static string MissingAwsCredentials(Func<string, string?> environment)
    {
        var profile = environment("AWS_PROFILE") is { Length: > 0 } named ? $"profile '{named}'" : "profile 'default'";
        var half = (environment("AWS_ACCESS_KEY_ID") is { Length: > 0 }, environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 }) switch
        {
            (true, false) => " (AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not)",
            (false, true) => " (AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not)",
            _ => string.Empty,
        };
        return $"no AWS credentials found{half}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), " +
            $"or --profile NAME (or AWS_PROFILE) to a profile of ~/.aws/credentials ({profile} was not found), or run where a container or instance role applies; nothing was changed";
    }
}
