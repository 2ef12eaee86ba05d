namespace Spot.Deploy.Aws;

/// <summary>A listener rule (DescribeRules), including the listener's default rule.</summary>
/// <param name="Arn">The rule's ARN.</param>
/// <param name="Priority">The priority as ELBv2 writes it: a number, or <c>default</c> for the default rule.</param>
/// <param name="IsDefault">True for the listener's default rule (changed with ModifyListener, not ModifyRule).</param>
/// <param name="Conditions">The rule's conditions, complete.</param>
/// <param name="Actions">The rule's actions, complete.</param>
public sealed record ListenerRule(string Arn, string? Priority, bool IsDefault, IReadOnlyList<RuleCondition> Conditions, IReadOnlyList<RuleAction> Actions);
