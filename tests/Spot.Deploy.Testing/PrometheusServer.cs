using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Testing;

/// <summary>
/// A real Prometheus server for a test: started on a free loopback port with a throwaway configuration and storage in a
/// temporary folder, scraping the given targets, and queried through its HTTP API. Prometheus scrapes on the wall clock,
/// so a test waits (bounded, <see cref="WaitForValueAsync"/>) until a scrape shows the value it expects.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _log;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, StringBuilder log, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        _log = log;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Where Prometheus's web UI and API listen (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>What Prometheus wrote to its standard error so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts Prometheus scraping each target (a full URL of a metrics endpoint) every <paramref name="scrapeInterval"/>,
    /// and returns once it reports ready. Throws <see cref="PrerequisiteMissingException"/> when Prometheus is not installed.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<Uri> targets, TimeSpan? scrapeInterval = null, TimeSpan? startTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Prerequisites.Require(Prerequisite.Prometheus);
        var interval = scrapeInterval ?? TimeSpan.FromSeconds(1);
        var folder = Directory.CreateTempSubdirectory("spot-deploy-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, Configuration(targets, interval));
        var port = FreePort();
        var start = new ProcessStartInfo("prometheus")
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(folder, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start prometheus.");
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, folder, log, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitUntilReadyAsync(startTimeout ?? TimeSpan.FromSeconds(30));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query (<c>GET /api/v1/query</c>): the <c>data.result</c> vector, one object per series with <c>metric</c> and <c>value</c>.</summary>
    public async Task<JsonArray> QueryAsync(string promql, CancellationToken cancellationToken = default)
    {
        var text = await _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql), cancellationToken);
        var answer = JsonNode.Parse(text)!;
        if ((string?)answer["status"] != "success")
        {
            throw new InvalidOperationException($"Prometheus refused the query {promql}: {text}");
        }

        return answer["data"]!["result"]!.AsArray();
    }

    /// <summary>The value of a query that yields one series, or null while it yields none.</summary>
    public async Task<double?> QueryValueAsync(string promql, CancellationToken cancellationToken = default)
    {
        var result = await QueryAsync(promql, cancellationToken);
        return result.Count switch
        {
            0 => null,
            1 => double.Parse((string)result[0]!["value"]![1]!, CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"The query {promql} yields {result.Count} series, not one: {result.ToJsonString()}"),
        };
    }

    /// <summary>
    /// Polls a one-series query until its value is <paramref name="expected"/> (Prometheus scrapes on its own, wall-clock
    /// schedule); throws with the last value seen and Prometheus's log once <paramref name="timeout"/> has passed.
    /// </summary>
    public async Task WaitForValueAsync(string promql, double expected, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        double? last = null;
        while (deadline.Elapsed < limit)
        {
            last = await QueryValueAsync(promql);
            if (last == expected)
            {
                return;
            }

            // An outside program on its own schedule: a short, bounded poll.
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"Prometheus never showed {promql} = {expected} within {limit.TotalSeconds} s (last: {last?.ToString(CultureInfo.InvariantCulture) ?? "no series"}). Log: {Log}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder: harmless.
        }
    }

    private static string Configuration(IEnumerable<Uri> targets, TimeSpan interval)
    {
        var seconds = Math.Max(1, (int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        var text = new StringBuilder();
        text.Append("global:\n  scrape_interval: ").Append(seconds).Append("\n  scrape_timeout: ").Append(seconds).Append("\n  evaluation_interval: ").Append(seconds).Append('\n');
        text.Append("scrape_configs:\n");
        var index = 0;
        foreach (var target in targets)
        {
            text.Append("  - job_name: target").Append(index++.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("    scheme: ").Append(target.Scheme).Append('\n');
            text.Append("    metrics_path: \"").Append(target.AbsolutePath).Append("\"\n");
            text.Append("    static_configs:\n      - targets: [\"").Append(target.Authority).Append("\"]\n");
        }

        return text.ToString();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await _http.GetAsync("-/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Prometheus was not ready within {timeout.TotalSeconds} s: {Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 20_000)
            {
                log.Append(line).Append('\n');
            }
        }
    }
}
