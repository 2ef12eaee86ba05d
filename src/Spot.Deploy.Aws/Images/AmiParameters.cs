using System.Text.RegularExpressions;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Spot.Deploy.Aws;

/// <summary>Reads the image id an SSM parameter holds (SSM <c>GetParameter</c>, through the AWS SDK for .NET).</summary>
internal static partial class AmiParameters
{
    private const int ShownValueLength = 64;

    /// <summary>The image id in <paramref name="parameter"/> (name with an optional <c>:version</c> or <c>:label</c>).</summary>
    /// <exception cref="AmiParameterException">The parameter, version or label does not exist, or the value is not an AMI id.</exception>
    /// <exception cref="AwsApiException">SSM refused the call for another reason (access, throttling …).</exception>
    internal static async Task<string> ReadImageIdAsync(IAmazonSimpleSystemsManagement ssm, AwsSdkRetry retry, string parameter, CancellationToken cancellationToken)
    {
        GetParameterResponse response;
        try
        {
            // No decryption: an AMI id is not a secret, and a SecureString is refused below without showing its value.
            response = await retry.RunAsync(
                "ssm",
                "GetParameter",
                token => ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = false }, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e) when (e.ErrorCode is "ParameterNotFound" or "ParameterVersionNotFound")
        {
            var reason = e.ErrorCode == "ParameterNotFound"
                ? "it does not exist (SSM ParameterNotFound)"
                : "that version or label does not exist (SSM ParameterVersionNotFound)";
            throw new AmiParameterException(parameter, reason, e);
        }

        var found = response.Parameter;
        if (found is null)
        {
            throw new AmiParameterException(parameter, "SSM returned no parameter", null);
        }

        if (found.Type == ParameterType.SecureString)
        {
            throw new AmiParameterException(parameter, "it is a SecureString, and an AMI id is kept as a String (data type aws:ec2:image)", null);
        }

        var value = found.Value?.Trim();
        if (value is null || !ImageIdPattern().IsMatch(value))
        {
            var shown = value is null ? "nothing" : "'" + (value.Length > ShownValueLength ? value[..ShownValueLength] + "…" : value) + "'";
            throw new AmiParameterException(parameter, "it holds " + shown + ", not an AMI id (ami- and hex digits)", null);
        }

        return value;
    }

    [GeneratedRegex(@"^ami-([0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageIdPattern();
}
