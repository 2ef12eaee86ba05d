namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// A temporary AWS credentials file with profiles <c>default</c>, <c>deploy</c>, <c>other</c> and <c>region-only</c> (no keys),
/// a Spot token file, and an environment naming that credentials file: what the credential tests run against.
/// </summary>
internal sealed class ProfileFiles : IDisposable
{
    public const string Token = "spot-token-7f3c9e41-NEVER-PRINTED";
    public const string AccessKey = "AKIAPROFILEDEPLOY001";
    public const string Secret = "profile-secret-5b1d2a-NEVER-PRINTED";

    public ProfileFiles()
    {
        // Regions in the credentials file itself (the SDK reads them there too), so a machine's AWS_CONFIG_FILE changes nothing.
        File.WriteAllText(CredentialsFile, $"""
            [default]
            aws_access_key_id = AKIADEFAULT000000001
            aws_secret_access_key = default-secret
            region = ca-central-1

            [deploy]
            aws_access_key_id = {AccessKey}
            aws_secret_access_key = {Secret}
            region = eu-west-1

            [other]
            aws_access_key_id = AKIAOTHER00000000001
            aws_secret_access_key = other-secret
            region = ap-south-1

            [region-only]
            region = us-west-2
            """);
        File.WriteAllText(TokenFile, "\n  " + Token + "  \n");
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("spot-deploy-cli-credentials-").FullName;

    public string CredentialsFile => Path.Combine(Directory, "credentials");

    public string TokenFile => Path.Combine(Directory, "spot token");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>The test's environment: the profiles file, then <paramref name="variables"/> (name=value; a later one wins).</summary>
    public Func<string, string?> Environment(params string[] variables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile };
        foreach (var pair in variables.Select(v => v.Split('=', 2)))
        {
            values[pair[0]] = pair[1];
        }

        return name => values.GetValueOrDefault(name);
    }
}
