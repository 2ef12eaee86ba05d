using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>Reads the ELBv2 answer members (<c>Listeners/member</c> …) into the public models.</summary>
internal static class ElbXml
{
    public static LoadBalancer ParseLoadBalancer(XElement member) => new(
        member.String("LoadBalancerArn") ?? string.Empty,
        member.String("LoadBalancerName"),
        member.String("DNSName"),
        member.String("Type"),
        member.String("Scheme"),
        member.Path("State", "Code")?.Value,
        member.String("VpcId"));

    public static Listener ParseListener(XElement member) => new(
        member.String("ListenerArn") ?? string.Empty,
        member.String("LoadBalancerArn"),
        member.Int32("Port"),
        member.String("Protocol"),
        ParseActions(member, "DefaultActions"));

    public static ListenerRule ParseRule(XElement member)
    {
        var priority = member.String("Priority");
        return new ListenerRule(
            member.String("RuleArn") ?? string.Empty,
            priority,
            member.Boolean("IsDefault") ?? string.Equals(priority, "default", StringComparison.Ordinal),
            member.Members("Conditions").Select(condition => new RuleCondition(condition)).ToArray(),
            ParseActions(member, "Actions"));
    }

    public static TargetGroup ParseTargetGroup(XElement member) => new(
        member.String("TargetGroupArn") ?? string.Empty,
        member.String("TargetGroupName"),
        member.Int32("Port"),
        member.String("Protocol"),
        member.String("TargetType"),
        member.MemberStrings("LoadBalancerArns"));

    public static TargetHealthDescription ParseTargetHealth(XElement member)
    {
        var target = member.Child("Target");
        var health = member.Child("TargetHealth");
        return new TargetHealthDescription(
            target?.String("Id") ?? string.Empty,
            target?.Int32("Port"),
            health?.String("State"),
            health?.NonEmptyString("Reason"),
            health?.NonEmptyString("Description"));
    }

    public static RuleAction[] ParseActions(XElement parent, string listName) =>
        parent.Members(listName).Select(action => new RuleAction(action)).ToArray();
}
