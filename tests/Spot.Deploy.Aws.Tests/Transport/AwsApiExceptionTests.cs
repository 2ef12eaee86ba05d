using System.Net;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>The message of a failed AWS call names why it failed, whatever the kind of failure.</summary>
public sealed class AwsApiExceptionTests
{
    [Fact]
    public void AnAnswer_NamesTheStatusCodeMessageAndRequestId()
    {
        var e = new AwsApiException(HttpStatusCode.BadRequest, "Throttling", "Rate exceeded", "req-1", "monitoring", "GetMetricData");

        e.Message.Should().Be("AWS monitoring GetMetricData failed with HTTP 400: Throttling Rate exceeded [request id req-1]");
        e.IsThrottling.Should().BeTrue();
    }

    [Fact]
    public void NoAnswerInTime_SaysSo()
    {
        var e = new AwsApiException(0, null, null, null, "monitoring", "DescribeAlarms", new TimeoutException("No answer within 30 s."));

        e.Message.Should().Be("AWS monitoring DescribeAlarms failed: No answer within 30 s.");
        e.IsTimeout.Should().BeTrue();
        e.IsTransient.Should().BeTrue();
    }

    [Fact]
    public void ABrokenConnection_SaysSo()
    {
        var e = new AwsApiException(0, null, "The connection failed: ConnectionError", null, "monitoring", "DescribeAlarms", new HttpRequestException("refused"));

        e.Message.Should().Be("AWS monitoring DescribeAlarms failed: The connection failed: ConnectionError");
    }
}
