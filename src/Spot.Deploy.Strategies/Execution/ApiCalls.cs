using System.Globalization;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>The API calls an operation makes, for dry runs.</summary>
internal static class ApiCalls
{
    public static IReadOnlyList<string> Of(Op op, CompiledDeployment compiled)
    {
        var group = op.NewGroup ? $"{{id of {compiled.NewGroupName}}}" : op.GroupId ?? "{id}";
        var calls = new List<string>();
        switch (op.Kind)
        {
            case OpKind.Create:
                calls.Add($"POST /aws/ec2/group (name {op.GroupName}, capacity {op.To}, imageId {op.ImageId})");
                break;
            case OpKind.Scale:
                var to = op.To!.Value;
                calls.Add(string.Create(CultureInfo.InvariantCulture, $"PUT /aws/ec2/group/{group} (capacity minimum {to.Minimum}, target {to.Target}, maximum {to.Maximum})"));
                if (op.Wait)
                {
                    calls.Add(to.Target == 0
                        ? $"GET /aws/ec2/group/{group}/status, polled until the group has no instances"
                        : string.Create(CultureInfo.InvariantCulture, $"GET /aws/ec2/group/{group}/status and /instanceHealthiness, polled until {to.Target} instance(s) are HEALTHY"));
                    if (op.TargetGroupArns is { Count: > 0 } tgs)
                    {
                        calls.Add($"ELBv2 DescribeTargetHealth of {string.Join(", ", tgs)} when required by SteadyState.RequireTargetGroupHealth");
                    }
                }

                break;
            case OpKind.Delete:
                calls.Add($"DELETE /aws/ec2/group/{group}");
                break;
            case OpKind.Rename:
                calls.Add($"PUT /aws/ec2/group/{group} (name {op.NewName})");
                break;
            case OpKind.ShiftTraffic:
                foreach (var route in op.Routes!)
                {
                    calls.Add($"ELBv2 {Describe(route.Production)} then {Modify(route.Production)}: forward {route.StageTargetGroupArn} weight {op.Weights!.NewWeight}, {route.ProductionTargetGroupArn} weight {op.Weights.OldWeight}");
                }

                break;
            case OpKind.SwapRoutes:
                foreach (var route in op.Routes!)
                {
                    calls.Add($"ELBv2 {Describe(route.Production)} and {Describe(route.Stage)}, then {Modify(route.Production)} → {route.StageTargetGroupArn} and {Modify(route.Stage)} → {route.ProductionTargetGroupArn}");
                }

                break;
            case OpKind.RestoreRoutes:
                calls.Add("ELBv2 read each route, then ModifyListener/ModifyRule for each one not as it was");
                break;
            case OpKind.UpdateImage:
                calls.Add($"PUT /aws/ec2/group/{group} (compute.launchSpecification.{(op.UsesImages ? "images" : "imageId")} {op.ImageId})");
                break;
            case OpKind.Roll:
                calls.Add(string.Create(CultureInfo.InvariantCulture, $"PUT /aws/ec2/group/{group}/roll (batchSizePercentage {op.BatchSizePercentage}, gracePeriod {op.GracePeriodSeconds}{(op.HealthCheckType is null ? string.Empty : ", healthCheckType " + op.HealthCheckType)})"));
                calls.Add($"GET /aws/ec2/group/{group}/roll, polled until finished");
                break;
            case OpKind.StopRoll:
                calls.Add($"PUT /aws/ec2/group/{group}/roll/{{rollId}} (status STOPPED)");
                break;
        }

        return calls.AsReadOnly();
    }

    private static string Describe(Planning.ListenerRoute route) =>
        route.IsDefaultRule ? $"DescribeListeners {route.ListenerArn}" : $"DescribeRules {route.RuleArn}";

    private static string Modify(Planning.ListenerRoute route) =>
        route.IsDefaultRule ? $"ModifyListener {route.ListenerArn}" : $"ModifyRule {route.RuleArn}";
}
