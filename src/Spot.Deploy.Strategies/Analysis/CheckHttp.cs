using System.Net;

namespace Spot.Deploy.Strategies;

/// <summary>
/// The HTTP client the built-in checks share when none is given, and their per-request timeout — in real time, not on
/// the deployment's clock: the service asked is a real one whatever clock the deployment runs on (a virtual clock in
/// tests and the emulator would otherwise time every request out at once).
/// </summary>
internal static class CheckHttp
{
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    public static HttpClient Default => Shared.Value;

    /// <summary>Sends <paramref name="request"/>; a timeout, a refused connection or a cut answer is a <see cref="CheckUnavailableException"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return (response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CheckUnavailableException($"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new CheckUnavailableException("the request failed: " + e.HttpRequestError);
        }
    }
}

/// <summary>A check could not measure (timeout, connection refused): the measurement is inconclusive, never a pass.</summary>
internal sealed class CheckUnavailableException(string message) : Exception(message);
