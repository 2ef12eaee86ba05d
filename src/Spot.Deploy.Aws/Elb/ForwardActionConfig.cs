namespace Spot.Deploy.Aws;

/// <summary>A forward action's <c>ForwardConfig</c>: weighted target groups and group stickiness.</summary>
/// <param name="TargetGroups">The target groups and their weights (0–999).</param>
/// <param name="Stickiness">Target group stickiness, when ELBv2 reported it.</param>
public sealed record ForwardActionConfig(IReadOnlyList<WeightedTargetGroup> TargetGroups, TargetGroupStickiness? Stickiness);

/// <summary>A target group a forward action sends traffic to.</summary>
/// <param name="TargetGroupArn">The target group's ARN.</param>
/// <param name="Weight">Its weight (0–999); null when not given (a plain <c>TargetGroupArn</c> forward).</param>
public sealed record WeightedTargetGroup(string TargetGroupArn, int? Weight);

/// <summary>Target group stickiness of a forward action.</summary>
/// <param name="Enabled">Whether clients stick to one target group.</param>
/// <param name="DurationSeconds">How long, in seconds (1–604800).</param>
public sealed record TargetGroupStickiness(bool Enabled, int? DurationSeconds);
