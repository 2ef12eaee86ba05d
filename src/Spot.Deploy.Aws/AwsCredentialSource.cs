using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Spot.Deploy.Aws;

/// <summary>Where the signing keys come from: explicit keys, an AWSSDK credentials object, the default chain, then optionally AssumeRole.</summary>
internal sealed class AwsCredentialSource
{
    private readonly AWSCredentials _credentials;

    internal AwsCredentialSource(AwsConnectionOptions options)
    {
        AWSCredentials baseCredentials = options switch
        {
            { AccessKeyId: { } key, SecretAccessKey: { } secret, SessionToken: { } token } => new SessionAWSCredentials(key, secret, token),
            { AccessKeyId: { } key, SecretAccessKey: { } secret } => new BasicAWSCredentials(key, secret),
            { Credentials: { } credentials } => credentials,
            _ => new DefaultChainCredentials(),
        };
        _credentials = options.AssumeRoleArn is { } role
            ? new AssumeRoleAWSCredentials(baseCredentials, role, options.RoleSessionName, new AssumeRoleAWSCredentialsOptions { ExternalId = options.ExternalId })
            : baseCredentials;
        Description = options.AssumeRoleArn is not null ? "assumed role " + options.AssumeRoleArn : baseCredentials.GetType().Name;
    }

    /// <summary>What kind of credentials sign (never the keys).</summary>
    internal string Description { get; }

    /// <summary>The credentials object in use (for tests and diagnostics).</summary>
    internal AWSCredentials Credentials => _credentials;

    internal async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _credentials.GetCredentialsAsync().ConfigureAwait(false);
    }

    /// <summary>The SDK's default chain (environment, profile, container, instance role …), resolved on first use.</summary>
    private sealed class DefaultChainCredentials : AWSCredentials
    {
        private readonly Lazy<AWSCredentials> _resolved = new(() => new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null!));

        public override ImmutableCredentials GetCredentials() => _resolved.Value.GetCredentials();

        public override Task<ImmutableCredentials> GetCredentialsAsync() => _resolved.Value.GetCredentialsAsync();
    }
}
