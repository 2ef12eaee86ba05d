using System.Net;
using System.Xml.Linq;
using Spot.Deploy.Aws;
using Spot.Deploy.Testing;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Elb;

/// <summary>A ModifyListener/ModifyRule with no clear answer is checked by reading the route before it is sent again.</summary>
public class ModifyRecheckTests
{
    private const string Listener = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2";
    private const string Blue = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/blue/73e2d6bc24d8a067";
    private const string Green = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/green/943f017f100becff";

    private readonly FakeQueryTransport _transport = new();
    private readonly VirtualClock _time = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(1) };

    private TrafficRouter Router => new(_transport, _time);

    private static string Listeners(params XElement[] defaultActions) =>
        Response("DescribeListeners", Members("Listeners", [ListenerMember(Listener, 443, defaultActions)])).ToString();

    private static AwsApiException ServerError() => new(HttpStatusCode.InternalServerError, "InternalFailure", "internal", "req", "elasticloadbalancing", "ModifyListener");

    private static AwsApiException Timeout() => new(0, null, null, null, "elasticloadbalancing", "ModifyListener", new TimeoutException("no answer"));

    [Fact]
    public async Task Shift_TimeoutButApplied_ReadsTheRouteAndDoesNotSendAgain()
    {
        _transport.Respond("DescribeListeners", Listeners(Forward(Blue)), Listeners(WeightedForward(1, false, (Blue, 90), (Green, 10))));
        _transport.Throw("ModifyListener", Timeout());

        var changes = await Router.ShiftTrafficAsync(new RouteRef(Listener), Blue, Green, newWeight: 10, oldWeight: 90);

        changes.Should().ContainSingle();
        _transport.CallsTo("ModifyListener").Should().ContainSingle();
        _transport.CallsTo("DescribeListeners").Should().HaveCount(2);
    }

    [Fact]
    public async Task Shift_ServerErrorNotApplied_SendsAgainAfterAPause()
    {
        _transport.Respond("DescribeListeners", Listeners(Forward(Blue)), Listeners(Forward(Blue)));
        _transport.Throw("ModifyListener", ServerError())
            .Respond("ModifyListener", Response("ModifyListener", Members("Listeners", [ListenerMember(Listener, 443, [WeightedForward(1, false, (Blue, 90), (Green, 10))])])).ToString());

        var changes = await Router.ShiftTrafficAsync(new RouteRef(Listener), Blue, Green, newWeight: 10, oldWeight: 90);

        changes.Should().ContainSingle();
        _transport.CallsTo("ModifyListener").Should().HaveCount(2);
        _time.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Shift_ServerErrorAndRouteChangedMeanwhile_IsAConflict()
    {
        _transport.Respond("DescribeListeners", Listeners(Forward(Blue)), Listeners(FixedResponse()));
        _transport.Throw("ModifyListener", ServerError());

        var act = () => Router.ShiftTrafficAsync(new RouteRef(Listener), Blue, Green, newWeight: 10, oldWeight: 90);

        await act.Should().ThrowAsync<TrafficRouterConflictException>();
        _transport.CallsTo("ModifyListener").Should().ContainSingle();
    }

    [Fact]
    public async Task Shift_ServerErrorEveryTime_GivesUpAfterTheRetries()
    {
        _transport.Respond("DescribeListeners", Listeners(Forward(Blue)));
        _transport.Throw("ModifyListener", ServerError());

        var act = () => Router.ShiftTrafficAsync(new RouteRef(Listener), Blue, Green, newWeight: 10, oldWeight: 90);

        (await act.Should().ThrowAsync<AwsApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        _transport.CallsTo("ModifyListener").Should().HaveCount(TrafficRouter.ModifyRetries + 1);
    }

    [Fact]
    public async Task Shift_ClientError_IsNotRetried()
    {
        _transport.Respond("DescribeListeners", Listeners(Forward(Blue)));
        _transport.Throw("ModifyListener", new AwsApiException(HttpStatusCode.BadRequest, "TargetGroupNotFound", "no", "r", "elasticloadbalancing", "ModifyListener"));

        var act = () => Router.ShiftTrafficAsync(new RouteRef(Listener), Blue, Green, newWeight: 10, oldWeight: 90);

        await act.Should().ThrowAsync<AwsApiException>();
        _transport.CallsTo("ModifyListener").Should().ContainSingle();
        _transport.CallsTo("DescribeListeners").Should().ContainSingle();
    }
}
