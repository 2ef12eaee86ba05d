using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>The analysis file of the CLI: every check kind, defaults, durations, headers from the environment, and errors with their JSON path.</summary>
public sealed class AnalysisJsonTests
{
    private const string Full = """
        {
          // comments and trailing commas are allowed: people write these files by hand
          "interval": "30s",
          "count": 4,
          "failureLimit": 1,
          "inconclusiveLimit": 2,
          "consecutiveSuccessLimit": 3,
          "checks": [
            { "name": "error-ratio", "type": "prometheus", "address": "http://prometheus:9090",
              "query": "sum(rate(errors{group=\"{newGroupName}\"}[2m])) / sum(rate(requests{group=\"{newGroupName}\"}[2m]))",
              "threshold": "< 0.01" },
            { "name": "smoke", "type": "http", "url": "https://web.internal/smoke?group={newGroupName}", "method": "POST",
              "body": "{\"phase\":\"{phase}\"}", "headers": { "Authorization": { "env": "SMOKE_TOKEN" }, "X-Team": "web" },
              "expectedStatus": 202, "timeout": "5s", "dryRun": true },
            { "name": "latency", "type": "newVsOld", "margin": 0.2,
              "query": { "type": "prometheus", "address": "http://prometheus:9090/",
                         "query": "histogram_quantile(0.99, sum by (le) (rate(latency_bucket{group=\"{newGroupName}\"}[5m])))" } },
          ],
        }
        """;

    private static string? Environment(string name) => name == "SMOKE_TOKEN" ? "Bearer s3cr3t" : null;

    [Fact]
    public void Read_EveryCheckKind_WithItsSettings()
    {
        var analysis = AnalysisJson.Read(Full, Environment);

        analysis.Interval.Should().Be(TimeSpan.FromSeconds(30));
        (analysis.Count, analysis.FailureLimit, analysis.InconclusiveLimit, analysis.ConsecutiveSuccessLimit).Should().Be((4, 1, 2, 3));
        analysis.Checks.Select(c => c.Name).Should().Equal("error-ratio", "smoke", "latency");
        var prometheus = analysis.Checks[0].Should().BeOfType<PrometheusCheck>().Subject;
        prometheus.Address.Should().Be(new Uri("http://prometheus:9090/"), "a trailing slash is added so api/v1/query is relative to it");
        prometheus.Threshold.Should().Be(new Threshold(Comparison.LessThan, 0.01));
        var http = analysis.Checks[1].Should().BeOfType<HttpCheck>().Subject;
        (http.Method, http.ExpectedStatus, http.Timeout, http.DryRun).Should().Be(("POST", 202, TimeSpan.FromSeconds(5), true));
        http.Headers.Should().Contain("Authorization", "Bearer s3cr3t").And.Contain("X-Team", "web");
        var latency = analysis.Checks[2].Should().BeOfType<NewVersusOldCheck>().Subject;
        (latency.Margin, latency.HigherIsWorse).Should().Be((0.2, true));
        latency.Query.Should().BeOfType<PrometheusCheck>();
    }

    [Fact]
    public void Read_Defaults_OneMinuteIntervalNoLimits()
    {
        var analysis = AnalysisJson.Read("""{ "checks": [ { "name": "up", "type": "http", "url": "http://web/health" } ] }""");

        analysis.Interval.Should().Be(TimeSpan.FromMinutes(1));
        (analysis.Count, analysis.FailureLimit, analysis.InconclusiveLimit, analysis.ConsecutiveSuccessLimit).Should().Be(((int?)null, 0, 0, 0));
        var http = analysis.Checks.Single().Should().BeOfType<HttpCheck>().Subject;
        (http.Method, http.ExpectedStatus, http.JsonPointer, http.Timeout).Should().Be(("GET", (int?)null, (string?)null, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("""[]""", "analysis", "must be a JSON object")]
    [InlineData("""{ "checks": [ ] }""", "analysis.checks", "at least one check")]
    [InlineData("""{ "intervall": "1m", "checks": [] }""", "$.intervall", "not a known property")]
    [InlineData("""{ "interval": "1 minute", "checks": [] }""", "$.interval", "not a positive duration")]
    [InlineData("""{ "checks": [ { "type": "http", "url": "http://x/" } ] }""", "$.checks[0].name", "is required")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "datadog" } ] }""", "$.checks[0].type", "'datadog' is not a check type")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "http", "url": "http://x/", "treshold": "< 1" } ] }""", "$.checks[0].treshold", "not a known property")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "http", "url": "http://x/", "jsonPointer": "/v", "threshold": "1" } ] }""", "$.checks[0].threshold", "is not an operator")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "prometheus", "address": "http://p/", "query": "up" } ] }""", "check 'a'.threshold", "is required")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "http", "url": "http://x/", "headers": { "Authorization": { "env": "NOT_SET_ANYWHERE" } } } ] }""", "$.checks[0].headers.Authorization", "NOT_SET_ANYWHERE is not set")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "newVsOld", "query": { "type": "newVsOld" } } ] }""", "$.checks[0].query.type", "use http, prometheus or cloudwatchMetric.")]
    [InlineData("""{ "count": 1.5, "checks": [] }""", "$.count", "whole number")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "http", "url": "http://x/{group}" } ] }""", "check 'a'.url", "unknown placeholder {group}")]
    [InlineData("""{ "checks": """, "analysis", "not valid JSON")]
    public void Read_RefusesMistakes_NamingWhere(string json, string field, string reason)
    {
        var act = () => AnalysisJson.Read(json, Environment);

        var error = act.Should().Throw<DeploymentValidationException>().Which;
        error.Field.Should().Be(field);
        error.Message.Should().Contain(reason);
    }

    [Fact]
    public void Read_AHeaderFromTheEnvironment_NeverShowsItsValueInErrors()
    {
        var json = """{ "checks": [ { "name": "a", "type": "http", "url": "ftp://x/", "headers": { "Authorization": { "env": "SMOKE_TOKEN" } } } ] }""";

        var act = () => AnalysisJson.Read(json, Environment);

        act.Should().Throw<DeploymentValidationException>().Which.ToString().Should().NotContain("s3cr3t");
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1m30s", 90)]
    [InlineData("0.5", 0.5)]
    public void Durations_ReadWhatPeopleWrite(string text, double seconds)
    {
        Durations.Parse(text, "--bake").Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("m")]
    [InlineData("")]
    [InlineData("1d")]
    public void Durations_RefuseWhatIsNotAPositiveDuration(string text)
    {
        var act = () => Durations.Parse(text, "--bake");

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("--bake");
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(90, "1m30s")]
    [InlineData(600, "10m")]
    [InlineData(0, "0s")]
    public void Durations_FormatWhatParseReads(int seconds, string text)
    {
        Durations.Format(TimeSpan.FromSeconds(seconds)).Should().Be(text);
    }
}
