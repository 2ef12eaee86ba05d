using System.CommandLine;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Cli;

/// <summary>
/// The credential and account flags as typed: names and a path, never a secret, so this record may be printed,
/// journaled or repeated in the next commands as it is. <see cref="CredentialResolver"/> turns them into credentials.
/// </summary>
internal sealed record CredentialFlags(string? Profile, string? Region, string? SpotAccount, string? SpotTokenFile)
{
    public static CredentialFlags None { get; } = new(null, null, null, null);

    /// <summary>The flags as typed into a shell (each with a leading space), for the exact next commands.</summary>
    public string AsArguments() => string.Concat(
        Profile is { } profile ? " --profile " + Cli.Quote(profile) : string.Empty,
        Region is { } region ? " --region " + Cli.Quote(region) : string.Empty,
        SpotAccount is { } account ? " --spot-account " + Cli.Quote(account) : string.Empty,
        SpotTokenFile is { } file ? " --spot-token-file " + Cli.Quote(file) : string.Empty);
}

/// <summary>
/// <c>--profile</c>, <c>--region</c>, <c>--spot-account</c> and <c>--spot-token-file</c>: on every command that calls Spot
/// or AWS, so one pipeline step can switch account and region without changing the environment. Checked for form when
/// read; the profile and the token file are read when the command opens its target, before any call.
/// </summary>
internal sealed class CredentialInputs
{
    private readonly Option<string?> _profile = new("--profile") { HelpName = "name", Description = "The AWS profile (shared config and credentials files) for the keys and, without --region/AWS_REGION, the region. Beats AWS_PROFILE and environment keys." };
    private readonly Option<string?> _region = new("--region") { HelpName = "region", Description = "The AWS region, e.g. eu-west-1. Beats AWS_REGION, AWS_DEFAULT_REGION and the profile's region." };
    private readonly Option<string?> _spotAccount = new("--spot-account") { HelpName = "act-id", Description = "The Spot account id (act-…). Beats SPOTINST_ACCOUNT." };
    private readonly Option<string?> _spotTokenFile = new("--spot-token-file") { HelpName = "file", Description = "A file holding the Spot API token (trimmed; the token itself is never a flag). Beats SPOTINST_TOKEN." };

    public CredentialInputs(Command command)
    {
        command.Options.Add(_profile);
        command.Options.Add(_region);
        command.Options.Add(_spotAccount);
        command.Options.Add(_spotTokenFile);
    }

    public CredentialFlags Read(ParseResult parse)
    {
        var profile = parse.GetValue(_profile);
        if (profile is not null && (profile.Length == 0 || profile.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '[' or ']')))
        {
            throw new CliUsageException($"--profile must be a profile name of the AWS config and credentials files, got '{profile}'");
        }

        var region = parse.GetValue(_region);
        if (region is not null)
        {
            CheckRegion(region, "--region");
        }

        var account = parse.GetValue(_spotAccount);
        if (account is not null)
        {
            CheckAccount(account, "--spot-account");
        }

        var tokenFile = parse.GetValue(_spotTokenFile);
        if (tokenFile is { Length: 0 })
        {
            throw new CliUsageException("--spot-token-file needs the path of a file holding the token");
        }

        return new CredentialFlags(profile, region, account, tokenFile);
    }

    /// <summary>A region name as <see cref="AwsConnectionOptions"/> accepts it, or <see cref="CliUsageException"/> naming <paramref name="source"/>.</summary>
    internal static void CheckRegion(string region, string source)
    {
        try
        {
            new AwsConnectionOptions { Region = region }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"{source}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    /// <summary>A Spot account id: <c>act-</c> and letters or digits (<c>act-1a2b3c4d</c>).</summary>
    internal static void CheckAccount(string account, string source)
    {
        if (!account.StartsWith("act-", StringComparison.Ordinal) || account.Length is < 5 or > 64 || !account[4..].All(char.IsAsciiLetterOrDigit))
        {
            throw new CliUsageException($"{source} must be a Spot account id like act-1a2b3c4d, got '{account}'");
        }
    }
}
