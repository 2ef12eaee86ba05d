using Amazon.EC2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.Configuration;
using Spot.Deploy.Aws;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The AWS SDK for .NET's DI conventions (AWSSDK.Extensions.NETCore.Setup): the <see cref="IAmazonEC2"/> and
/// <see cref="IAmazonSimpleSystemsManagement"/> a container holds (<c>AddAWSService&lt;T&gt;()</c>), and the
/// <see cref="AWSOptions"/> they were made from, which also set up the ELBv2 transport's region and credentials.
/// </summary>
internal static class AwsSdkOptions
{
    /// <summary>The registered <see cref="AWSOptions"/> (<c>AddDefaultAWSOptions</c>), else the configuration's <c>AWS</c> section, as <c>AddAWSService</c> reads them.</summary>
    internal static AWSOptions? Find(IServiceProvider services) =>
        services.GetService<AWSOptions>() ?? (services.GetService<IConfiguration>() is { } configuration && configuration.GetSection("AWS").Exists()
            ? configuration.GetAWSOptions()
            : null);

    /// <summary>
    /// Fills what <paramref name="options"/> leaves unset from <paramref name="aws"/>: the region, and the credentials
    /// (explicit, profile, assumed role) resolved as the SDK's clients resolve them. Settings given to Spot.Deploy win.
    /// </summary>
    internal static void FillFrom(AwsConnectionOptions options, AWSOptions? aws)
    {
        if (aws is null)
        {
            return;
        }

        options.Region ??= aws.Region?.SystemName;
        var hasOwnCredentials = options.AccessKeyId is not null || options.Credentials is not null || options.AssumeRoleArn is not null;
        if (!hasOwnCredentials && (aws.Credentials is not null || aws.Profile is not null || aws.SessionRoleArn is not null))
        {
            options.Credentials = aws.GetCredentials();
        }
    }
}
