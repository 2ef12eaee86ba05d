using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>EC2 and ELBv2 requests must be signed with SigV4; with a configured key pair the signature is verified.</summary>
internal static partial class AwsAuthentication
{
    internal static async Task<Func<HttpContext, Task>?> CheckAsync(HttpContext context, EmulatorOptions options)
    {
        var service = context.Request.Path.StartsWithSegments(SpotDeployEmulator.Ec2Prefix, StringComparison.Ordinal) ? "ec2" : "elasticloadbalancing";
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return c => AwsErrors.WriteAsync(c, service, 403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }

        if (options.AwsAccessKeyId is null || options.AwsSecretAccessKey is null)
        {
            return null;
        }

        var problem = await VerifyAsync(context, service, options).ConfigureAwait(false);
        return problem is null ? null : c => AwsErrors.WriteAsync(c, service, 403, ErrorCodeOf(service, problem), problem);
    }
}
