using Amazon.Runtime;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>--profile</c>, <c>--region</c>, <c>--spot-account</c> and <c>--spot-token-file</c>: what wins over the environment,
/// what is refused before any call, and that no token, key or secret is ever printed. The environment is this test's own
/// (<see cref="CredentialResolver.Environment"/>, an async-local): the process's variables are neither read nor changed,
/// and the AWS profiles live in a temporary credentials file named by its <c>AWS_SHARED_CREDENTIALS_FILE</c>.
/// </summary>
public sealed class CredentialFlagsTests : IDisposable
{
    private const string Token = ProfileFiles.Token;
    private const string AccessKey = ProfileFiles.AccessKey;
    private const string Secret = ProfileFiles.Secret;

    private readonly ProfileFiles _files = new();

    private string CredentialsFile => _files.CredentialsFile;

    private string TokenFile => _files.TokenFile;

    private string Directory => _files.Directory;

    public void Dispose() => _files.Dispose();

    private ResolvedCredentials Resolve(CredentialFlags flags, params string[] variables)
    {
        CredentialResolver.Environment.Value = _files.Environment(["SPOTINST_TOKEN=env-token", "SPOTINST_ACCOUNT=act-fromenv", .. variables]);
        try
        {
            return CredentialResolver.Resolve(flags);
        }
        finally
        {
            CredentialResolver.Environment.Value = null;
        }
    }

    private static string? KeyOf(AWSCredentials? credentials) => credentials?.GetCredentials().AccessKey;

    [Fact]
    public void ProfileFlag_SignsWithTheProfilesKeys_InTheProfilesRegion()
    {
        var resolved = Resolve(new CredentialFlags("deploy", null, null, null));

        KeyOf(resolved.Aws.Credentials).Should().Be(AccessKey);
        resolved.Aws.Credentials!.GetCredentials().SecretKey.Should().Be(Secret);
        resolved.Aws.Region.Should().Be("eu-west-1");
        resolved.Profile.Should().Be("deploy");
    }

    [Theory]
    [InlineData("us-east-2", "sa-east-1", "af-south-1", "us-east-2")]
    [InlineData(null, "sa-east-1", "af-south-1", "sa-east-1")]
    [InlineData(null, null, "af-south-1", "af-south-1")]
    [InlineData(null, null, null, "eu-west-1")]
    public void Region_FlagBeatsAwsRegion_WhichBeatsAwsDefaultRegion_WhichBeatsTheProfile(string? flag, string? awsRegion, string? awsDefaultRegion, string expected)
    {
        string[] variables = [.. awsRegion is null ? [] : new[] { "AWS_REGION=" + awsRegion }, .. awsDefaultRegion is null ? [] : new[] { "AWS_DEFAULT_REGION=" + awsDefaultRegion }];

        Resolve(new CredentialFlags("deploy", flag, null, null), variables).Aws.Region.Should().Be(expected);
    }

    [Fact]
    public void ProfileFlag_BeatsAwsProfile_AndEnvironmentKeys()
    {
        var flagged = Resolve(new CredentialFlags("deploy", null, null, null), "AWS_PROFILE=other", "AWS_ACCESS_KEY_ID=AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY=x");
        var fromEnvironment = Resolve(CredentialFlags.None, "AWS_PROFILE=other");

        KeyOf(flagged.Aws.Credentials).Should().Be(AccessKey);
        flagged.Aws.Region.Should().Be("eu-west-1");
        KeyOf(fromEnvironment.Aws.Credentials).Should().Be("AKIAOTHER00000000001");
        fromEnvironment.Aws.Region.Should().Be("ap-south-1");
        fromEnvironment.Profile.Should().Be("other");
    }

    [Fact]
    public void WithoutAProfile_TheKeysAreTheSdkChains_AndTheRegionTheDefaultProfiles()
    {
        var resolved = Resolve(CredentialFlags.None);

        resolved.Aws.Credentials.Should().BeNull("the SDK's default chain signs, as before the flags");
        resolved.Profile.Should().BeNull();
        resolved.Aws.Region.Should().Be("ca-central-1");
    }

    [Fact]
    public void SpotFlags_BeatTheEnvironment_AndTheTokenFileIsTrimmed()
    {
        var flagged = Resolve(new CredentialFlags(null, null, "act-0a1b2c3d", TokenFile));
        var fromEnvironment = Resolve(CredentialFlags.None);

        flagged.Spot.Token.Should().Be(Token);
        flagged.Spot.AccountId.Should().Be("act-0a1b2c3d");
        fromEnvironment.Spot.Token.Should().Be("env-token");
        fromEnvironment.Spot.AccountId.Should().Be("act-fromenv");
    }

    [Fact]
    public void Resolved_ToString_ShowsNoTokenKeyOrSecret()
    {
        var resolved = Resolve(new CredentialFlags("deploy", null, "act-1", TokenFile));

        var text = resolved.ToString() + resolved.Spot + resolved.Aws + new CredentialFlags("deploy", null, "act-1", TokenFile);

        text.Should().Contain("deploy").And.NotContain(Token).And.NotContain(Secret).And.NotContain(AccessKey);
    }

    [Theory]
    [InlineData("nobody", "--profile: there is no AWS profile 'nobody' in")]
    [InlineData("region-only", "--profile: the AWS profile 'region-only' in")]
    public void BadProfile_IsAUsageError_NamingItAndTheFile(string profile, string message)
    {
        var refuse = () => Resolve(new CredentialFlags(profile, null, null, null));

        refuse.Should().Throw<CliUsageException>().Which.Message.Should().StartWith(message).And.Contain(CredentialsFile).And.Contain("nothing was called or changed");
    }

    [Fact]
    public void CredentialsFileThatDoesNotExist_HasNoProfiles_AndIsNoCrash()
    {
        var missing = Path.Combine(Directory, "nowhere", "credentials");

        var withProfile = () => Resolve(new CredentialFlags("deploy", null, null, null), "AWS_SHARED_CREDENTIALS_FILE=" + missing);
        var without = Resolve(CredentialFlags.None, "AWS_SHARED_CREDENTIALS_FILE=" + missing, "AWS_REGION=eu-central-1");

        withProfile.Should().Throw<CliUsageException>().Which.Message.Should().StartWith($"--profile: there is no AWS profile 'deploy' in '{missing}'");
        without.Aws.Region.Should().Be("eu-central-1");
        without.Aws.Credentials.Should().BeNull();
    }

    [Fact]
    public void UnknownAwsProfileVariable_IsAUsageError_NamingTheVariable()
    {
        var refuse = () => Resolve(CredentialFlags.None, "AWS_PROFILE=typo");

        refuse.Should().Throw<CliUsageException>().Which.Message.Should().StartWith("AWS_PROFILE: there is no AWS profile 'typo'");
    }

    [Fact]
    public void SpotAccountVariable_NotAnAccountId_IsAUsageError()
    {
        var refuse = () => Resolve(CredentialFlags.None, "SPOTINST_ACCOUNT=12345");

        refuse.Should().Throw<CliUsageException>().Which.Message.Should().Be("SPOTINST_ACCOUNT must be a Spot account id like act-1a2b3c4d, got '12345'");
    }

    [Fact]
    public void NoRegionAnywhere_IsAUsageError_NamingTheThreeWays()
    {
        File.WriteAllText(CredentialsFile, "[deploy]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n");

        var refuse = () => Resolve(new CredentialFlags("deploy", null, null, null));

        refuse.Should().Throw<CliUsageException>().Which.Message.Should().StartWith("no AWS region: give --region REGION, set AWS_REGION");
    }

    [Fact]
    public void ProfileRegion_InTheConfigFileBesideTheCredentials_IsUsed()
    {
        System.Environment.GetEnvironmentVariable("AWS_CONFIG_FILE").Should().BeNull("the SDK reads the config file beside the credentials file only when AWS_CONFIG_FILE is unset");
        File.WriteAllText(CredentialsFile, "[team]\naws_access_key_id = AKIATEAM000000000001\naws_secret_access_key = s\n");
        File.WriteAllText(Path.Combine(Directory, "config"), "[profile team]\nregion = eu-north-1\n");

        var resolved = Resolve(new CredentialFlags("team", null, null, null));

        resolved.Aws.Region.Should().Be("eu-north-1");
        KeyOf(resolved.Aws.Credentials).Should().Be("AKIATEAM000000000001");
    }

    [Fact]
    public void NextCommands_CarryTheCredentialFlags_WithTheTokenFilesPathOnly()
    {
        var endpoints = new Endpoints(new Uri("http://127.0.0.1:5000/"), null, null, null, null, new CredentialFlags("deploy", "eu-west-1", "act-0a1b2c3d", TokenFile));

        var lines = NextCommands.For("web-1", NextCommands.StateFlags("/tmp/state", postgres: false), NextCommands.EndpointFlags(endpoints), emulator: false);

        var flags = $" --state-dir /tmp/state --spot-url http://127.0.0.1:5000/ --profile deploy --region eu-west-1 --spot-account act-0a1b2c3d --spot-token-file \"{TokenFile}\"";
        lines.Should().Equal(
            "Look at the app (spot-deploy status), then go on with one of:",
            "  spot-deploy resume web-1" + flags,
            "  spot-deploy rollback web-1" + flags);
        Cli.Unfinished(new Strategies.UnfinishedDeploymentException("web-1", "web", Strategies.DeploymentStatus.Running, "Canary", DateTimeOffset.UnixEpoch),
            new RequestValues { App = "web", StateDir = "/tmp/state", Endpoints = endpoints }).Should().Contain("  spot-deploy resume web-1" + flags).And.NotContain(Token);
    }
}
