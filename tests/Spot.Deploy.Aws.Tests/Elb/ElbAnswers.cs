using System.Globalization;
using System.Xml.Linq;

namespace Spot.Deploy.Aws.Tests.Elb;

/// <summary>Builds ELBv2 answer XML shaped as the botocore model describes it (query protocol: <c>member</c> lists, <c>entry</c> maps).</summary>
internal static class ElbAnswers
{
    public static readonly XNamespace Ns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    public const string LoadBalancerArn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-lb/50dc6c495c0c9188";
    public const string ProductionListener = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-lb/50dc6c495c0c9188/aaaa000000000001";
    public const string StageListener = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-lb/50dc6c495c0c9188/bbbb000000000002";
    public const string BlueTg = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/blue/73e2d6bc24d8a067";
    public const string GreenTg = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/green/83e2d6bc24d8a068";
    public const string OtherTg = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/other/93e2d6bc24d8a069";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content);

    public static XElement Members(string listName, IEnumerable<XElement> members) =>
        E(listName, members.Select(m => new XElement(Ns + "member", m.Attributes(), m.Nodes())));

    /// <summary>A forward action as DescribeListeners reports a plain forward: TargetGroupArn plus a one-group ForwardConfig.</summary>
    public static XElement Forward(string targetGroupArn, int order = 1) =>
        E("member",
            E("Type", "forward"),
            E("TargetGroupArn", targetGroupArn),
            E("Order", order.ToString(CultureInfo.InvariantCulture)),
            E("ForwardConfig",
                E("TargetGroups", E("member", E("TargetGroupArn", targetGroupArn), E("Weight", "1"))),
                E("TargetGroupStickinessConfig", E("Enabled", "false"))));

    /// <summary>A forward action with only TargetGroupArn (as the API reference example shows).</summary>
    public static XElement PlainForward(string targetGroupArn) =>
        E("member", E("Type", "forward"), E("TargetGroupArn", targetGroupArn));

    public static XElement WeightedForward(int order, bool sticky, params (string Arn, int Weight)[] groups)
    {
        var stickiness = sticky ? E("TargetGroupStickinessConfig", E("Enabled", "true"), E("DurationSeconds", "3600")) : E("TargetGroupStickinessConfig", E("Enabled", "false"));
        return E("member",
            E("Type", "forward"),
            E("Order", order.ToString(CultureInfo.InvariantCulture)),
            E("ForwardConfig",
                E("TargetGroups", groups.Select(g => E("member", E("TargetGroupArn", g.Arn), E("Weight", g.Weight.ToString(CultureInfo.InvariantCulture))))),
                stickiness));
    }

    /// <summary>An authenticate-oidc action as ELBv2 reports it: every setting but the client secret.</summary>
    public static XElement Oidc(int order = 1) =>
        E("member",
            E("Type", "authenticate-oidc"),
            E("Order", order.ToString(CultureInfo.InvariantCulture)),
            E("AuthenticateOidcConfig",
                E("Issuer", "https://idp.example.com"),
                E("AuthorizationEndpoint", "https://idp.example.com/authorize"),
                E("TokenEndpoint", "https://idp.example.com/token"),
                E("UserInfoEndpoint", "https://idp.example.com/userinfo"),
                E("ClientId", "client-123"),
                E("SessionCookieName", "AWSELBAuthSessionCookie"),
                E("Scope", "openid email"),
                E("SessionTimeout", "604800"),
                E("AuthenticationRequestExtraParams",
                    E("entry", E("key", "prompt"), E("value", "login")),
                    E("entry", E("key", "display"), E("value", "page"))),
                E("OnUnauthenticatedRequest", "authenticate")));

    public static XElement FixedResponse(int order = 1) =>
        E("member",
            E("Type", "fixed-response"),
            E("Order", order.ToString(CultureInfo.InvariantCulture)),
            E("FixedResponseConfig", E("MessageBody", "down for maintenance"), E("StatusCode", "503"), E("ContentType", "text/plain")));

    public static XElement HostCondition(params string[] hosts) =>
        E("member",
            E("Field", "host-header"),
            E("Values", hosts.Select(h => E("member", h))),
            E("HostHeaderConfig", E("Values", hosts.Select(h => E("member", h)))));

    public static XElement PathCondition(params string[] paths) =>
        E("member",
            E("Field", "path-pattern"),
            E("PathPatternConfig", E("Values", paths.Select(p => E("member", p)))));

    public static XElement Response(string action, params object[] resultContent) =>
        E(action + "Response",
            E(action + "Result", resultContent),
            E("ResponseMetadata", E("RequestId", Guid.NewGuid().ToString())));

    public static XElement ListenerMember(string listenerArn, int port, IEnumerable<XElement> defaultActions) =>
        E("member",
            E("LoadBalancerArn", LoadBalancerArn),
            E("Protocol", "HTTPS"),
            E("Port", port.ToString(CultureInfo.InvariantCulture)),
            E("ListenerArn", listenerArn),
            Members("DefaultActions", defaultActions));

    public static XElement RuleMember(string ruleArn, string priority, bool isDefault, IEnumerable<XElement> conditions, IEnumerable<XElement> actions) =>
        E("member",
            E("RuleArn", ruleArn),
            E("Priority", priority),
            Members("Conditions", conditions),
            Members("Actions", actions),
            E("IsDefault", isDefault ? "true" : "false"));
}
