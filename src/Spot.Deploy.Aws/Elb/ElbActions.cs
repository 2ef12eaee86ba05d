namespace Spot.Deploy.Aws;

/// <summary>The ELBv2 actions <see cref="TrafficRouter"/> sends (the AWS query API's action names), for dry runs and logs.</summary>
public static class ElbActions
{
    /// <summary><c>DescribeLoadBalancers</c>.</summary>
    public const string DescribeLoadBalancers = "DescribeLoadBalancers";

    /// <summary><c>DescribeListeners</c>: reads a listener and its default actions.</summary>
    public const string DescribeListeners = "DescribeListeners";

    /// <summary><c>DescribeRules</c>: reads a listener rule and its actions.</summary>
    public const string DescribeRules = "DescribeRules";

    /// <summary><c>DescribeTargetGroups</c>.</summary>
    public const string DescribeTargetGroups = "DescribeTargetGroups";

    /// <summary><c>DescribeTargetHealth</c>: the health of a target group's targets.</summary>
    public const string DescribeTargetHealth = "DescribeTargetHealth";

    /// <summary><c>ModifyListener</c>: replaces a listener's default actions.</summary>
    public const string ModifyListener = "ModifyListener";

    /// <summary><c>ModifyRule</c>: replaces a rule's actions.</summary>
    public const string ModifyRule = "ModifyRule";
}
