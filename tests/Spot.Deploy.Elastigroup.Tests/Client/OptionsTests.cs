using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Elastigroup.Tests.Client;

[Collection("environment")]
public class OptionsTests
{
    [Fact]
    public void Validate_Defaults_NeedTokenAndAccount()
    {
        var options = new ElastigroupClientOptions();

        options.BaseAddress.Should().Be(new Uri("https://api.spotinst.io"));
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Token");
        options.Token = "t";
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("AccountId");
        options.AccountId = "act-1";
        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData("AttemptTimeout")]
    [InlineData("RetryBaseDelay")]
    [InlineData("MaxRetryDelay")]
    [InlineData("MaxRetries")]
    [InlineData("RequestsPerMinutePerRoute")]
    [InlineData("RateLimitedRetryTime")]
    [InlineData("BaseAddress")]
    [InlineData("Token")]
    public void Validate_BadSetting_NamesIt(string setting)
    {
        var options = new ElastigroupClientOptions { Token = "t", AccountId = "act-1" };
        switch (setting)
        {
            case "AttemptTimeout": options.AttemptTimeout = TimeSpan.Zero; break;
            case "RetryBaseDelay": options.RetryBaseDelay = TimeSpan.FromSeconds(-1); break;
            case "MaxRetryDelay": options.MaxRetryDelay = TimeSpan.Zero; break;
            case "MaxRetries": options.MaxRetries = 21; break;
            case "RequestsPerMinutePerRoute": options.RequestsPerMinutePerRoute = -1; break;
            case "RateLimitedRetryTime": options.RateLimitedRetryTime = TimeSpan.FromSeconds(-1); break;
            case "BaseAddress": options.BaseAddress = new Uri("ftp://x"); break;
            case "Token": options.Token = "has space"; break;
        }

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be(setting);
    }

    [Fact]
    public void Client_ReadsTokenAndAccountFromTheEnvironment()
    {
        var (token, account) = (Environment.GetEnvironmentVariable("SPOTINST_TOKEN"), Environment.GetEnvironmentVariable("SPOTINST_ACCOUNT"));
        try
        {
            Environment.SetEnvironmentVariable("SPOTINST_TOKEN", "env-token");
            Environment.SetEnvironmentVariable("SPOTINST_ACCOUNT", "act-env");

            using var client = new ElastigroupClient(new ElastigroupClientOptions());
            var fromEnvironment = ElastigroupClientOptions.FromEnvironment();

            client.AccountId.Should().Be("act-env");
            fromEnvironment.Token.Should().Be("env-token");
            client.ToString().Should().NotContain("env-token");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SPOTINST_TOKEN", token);
            Environment.SetEnvironmentVariable("SPOTINST_ACCOUNT", account);
        }
    }

    [Fact]
    public void Client_ExplicitSettingsWinOverTheEnvironment()
    {
        using var client = new ElastigroupClient(new ElastigroupClientOptions { Token = "t", AccountId = "act-explicit" });

        client.AccountId.Should().Be("act-explicit");
    }

    [Fact]
    public void ToString_HidesTheToken()
    {
        var text = new ElastigroupClientOptions { Token = "super-secret", AccountId = "act-1" }.ToString();

        text.Should().NotContain("super-secret").And.Contain("Token=***").And.Contain("act-1");
    }

    [Fact]
    public void Timestamps_BothStyles()
    {
        SpotTimestamp.TryParse("2018-08-29T18:09:01.431+0000", out var a).Should().BeTrue();
        SpotTimestamp.TryParse("2018-08-29T18:09:01.431Z", out var b).Should().BeTrue();
        SpotTimestamp.TryParse("2018-08-29T20:09:01.431+02:00", out var c).Should().BeTrue();
        SpotTimestamp.TryParse("nonsense", out _).Should().BeFalse();
        SpotTimestamp.TryParse(null, out _).Should().BeFalse();
        a.Should().Be(b).And.Be(c);
    }
}
