using System.Net;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>Thresholds, placeholders, JSON Pointers and Prometheus answers: the pieces every check is judged by.</summary>
public sealed class CheckDefinitionTests
{
    private static readonly AnalysisContext Context = new()
    {
        DeploymentId = "d-1",
        AppName = "web",
        Strategy = "BlueGreen",
        Phase = "traffic 10 %",
        Percent = 10,
        NewGroupName = "web-stage",
        NewGroupId = "sig-new",
        OldGroupName = "web",
        OldGroupId = "sig-old",
        TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef",
        LoadBalancer = "app/web-alb/50dc6c495c0c9188",
    };

    [Theory]
    [InlineData("< 0.01", 0.005, true)]
    [InlineData("< 0.01", 0.01, false)]
    [InlineData("<=0.01", 0.01, true)]
    [InlineData("> 99", 99.5, true)]
    [InlineData(">= 99.5", 99.4, false)]
    [InlineData("== 0", 0, true)]
    [InlineData("< 1e-3", 0.0001, true)]
    public void Threshold_ParsesAndJudges(string text, double value, bool passes)
    {
        var threshold = Threshold.Parse(text);

        threshold.IsMetBy(value).Should().Be(passes);
        Threshold.Parse(threshold.ToString()).Should().Be(threshold, "ToString writes what Parse reads");
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("< ")]
    [InlineData("=< 1")]
    [InlineData("< NaN")]
    [InlineData("< 1,5")]
    public void Threshold_RefusesWhatIsNotAnOperatorAndANumber(string text)
    {
        var act = () => Threshold.Parse(text);

        act.Should().Throw<DeploymentValidationException>().WithMessage($"*'{text}'*");
    }

    [Fact]
    public void Threshold_NaNNeverPasses()
    {
        Threshold.Parse("< 1").IsMetBy(double.NaN).Should().BeFalse();
    }

    [Fact]
    public void Fill_ReplacesPlaceholders_AndLeavesPromQlBracesAlone()
    {
        var query = "sum(rate(errors{group=\"{newGroupName}\",app=\"{app}\"}[2m])) > {percent}";

        Context.Fill(query).Should().Be("sum(rate(errors{group=\"web-stage\",app=\"web\"}[2m])) > 10");
    }

    [Fact]
    public void Fill_DerivesCloudWatchDimensionsFromTheTargetGroupArn()
    {
        Context.Fill("{targetGroup} {targetGroupName} {loadBalancer}")
            .Should().Be("targetgroup/web-blue/0123456789abcdef web-blue app/web-alb/50dc6c495c0c9188");
    }

    [Fact]
    public void Fill_EscapesValuesWhereAsked()
    {
        var context = new AnalysisContext { AppName = "web app", Phase = "phase 1 of 2 (50 %)" };

        context.Fill("https://x/check?app={app}&at={phase}", Uri.EscapeDataString)
            .Should().Be("https://x/check?app=web%20app&at=phase%201%20of%202%20%2850%20%25%29");
    }

    [Fact]
    public void Fill_APlaceholderWithoutAValueHere_SaysWhich()
    {
        var first = new AnalysisContext { AppName = "web", Phase = "phase 1 of 2 (50 %)", DeploymentId = "d-2" };

        var act = () => first.Fill("{oldGroupId}");

        act.Should().Throw<InvalidOperationException>().WithMessage("*{oldGroupId}*phase 1 of 2 (50 %)*d-2*");
    }

    [Fact]
    public void Validate_AnUnknownPlaceholder_IsRefusedNamingTheKnownOnes()
    {
        var check = new PrometheusCheck { Name = "errors", Address = new Uri("http://prometheus:9090/"), Query = "up{job=\"{service}\"}", Threshold = Threshold.Parse("> 0") };

        var act = check.Validate;

        act.Should().Throw<DeploymentValidationException>().Which.Message.Should().Contain("{service}").And.Contain("{newGroupName}");
    }

    [Theory]
    [InlineData("{\"errorRate\":0.25}", "/errorRate", 0.25)]
    [InlineData("{\"data\":{\"items\":[{\"v\":1},{\"v\":\"2.5\"}]}}", "/data/items/1/v", 2.5)]
    [InlineData("{\"a/b\":{\"m~n\":7}}", "/a~1b/m~0n", 7)]
    [InlineData("{\"healthy\":true}", "/healthy", 1)]
    [InlineData("42", "", 42)]
    public void JsonPointer_ReadsNumbers(string json, string path, double expected)
    {
        JsonPointer.ReadNumber(json, path).Value.Should().Be(expected);
    }

    [Theory]
    [InlineData("{\"a\":1}", "/b", "nothing at /b")]
    [InlineData("{\"a\":{\"b\":1}}", "/a", "/a is not a number")]
    [InlineData("{\"a\":[1]}", "/a/3", "nothing at /a/3")]
    [InlineData("<html>", "/a", "the answer is not JSON")]
    public void JsonPointer_SaysWhyThereIsNoNumber(string json, string path, string why)
    {
        JsonPointer.ReadNumber(json, path).Should().Be(((double?)null, why));
    }

    [Theory]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764770000.1,"0.042"]}]}}""", 0.042, null)]
    [InlineData("""{"status":"success","data":{"resultType":"scalar","result":[1764770000.1,"3"]}}""", 3.0, null)]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[]}}""", null, "no data (the query matched no series)")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{"g":"a"},"value":[1,"1"]},{"metric":{"g":"b"},"value":[1,"2"]}]}}""", null, "the query gave 2 series; aggregate it to one (e.g. sum(…))")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}""", null, "the query gave NaN")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[]}}""", null, "the query gave a matrix result; an instant query giving one number is needed")]
    [InlineData("""{"status":"error","errorType":"bad_data","error":"parse error at char 5"}""", null, "Prometheus answered HTTP 400 (bad_data: parse error at char 5)")]
    public void PrometheusAnswers_GiveOneNumberOrSayWhyNot(string body, double? value, string? why)
    {
        var reading = PrometheusCheck.Parse(body.Contains("\"error\"", StringComparison.Ordinal) ? HttpStatusCode.BadRequest : HttpStatusCode.OK, body);

        reading.Value.Should().Be(value);
        if (why is not null)
        {
            reading.Detail.Should().Be(why);
        }
    }

    [Fact]
    public void Analysis_Validate_RefusesDuplicateNamesAndMissingThresholds()
    {
        var http = new HttpCheck { Name = "smoke", Url = "http://svc/health" };
        var duplicate = new Strategies.Analysis { Checks = [http, new HttpCheck { Name = "smoke", Url = "http://svc/ready" }] };
        var noThreshold = new Strategies.Analysis { Checks = [new HttpCheck { Name = "rate", Url = "http://svc/stats", JsonPointer = "/errorRate" }] };

        duplicate.Invoking(a => a.Validate()).Should().Throw<DeploymentValidationException>().WithMessage("*two checks are named 'smoke'*");
        noThreshold.Invoking(a => a.Validate()).Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("check 'rate'.threshold");
        new Strategies.Analysis { Checks = [http] }.Invoking(a => a.Validate()).Should().NotThrow("a status-only HTTP check needs no threshold");
    }

    [Theory]
    [InlineData("ftp://svc/health", "GET", null, "url")]
    [InlineData("http://svc/health", "PUT", null, "method")]
    [InlineData("http://svc/health", "GET", "{}", "body")]
    public void HttpCheck_Validate_NamesTheField(string url, string method, string? body, string field)
    {
        var check = new HttpCheck { Name = "smoke", Url = url, Method = method, Body = body };

        check.Invoking(c => c.Validate()).Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("check 'smoke'." + field);
    }
}
