using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>EC2, ELBv2 and SSM requests must be signed with SigV4; with a configured key pair the signature is verified.</summary>
internal static partial class AwsAuthentication
{
    internal static async Task<Func<HttpContext, Task>?> CheckAsync(HttpContext context, EmulatorOptions options)
    {
        var service = SpotDeployEmulator.ServiceOf(context.Request.Path.Value ?? "/");
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return c => AwsErrors.WriteAsync(c, service, service == "ssm" ? 400 : 403, service == "ssm" ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken", "Request is missing Authentication Token");
        }

        if (options.AwsAccessKeyId is null || options.AwsSecretAccessKey is null)
        {
            return null;
        }

        var problem = await VerifyAsync(context, service, options).ConfigureAwait(false);
        return problem is null ? null : c => AwsErrors.WriteAsync(c, service, service == "ssm" ? 400 : 403, ErrorCodeOf(service, problem), problem);
    }
}
