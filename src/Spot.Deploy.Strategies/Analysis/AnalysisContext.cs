using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Where a deployment is when a check measures, and the values a check's query, URL or body may use as
/// <c>{placeholders}</c>: <c>{app}</c>, <c>{deploymentId}</c>, <c>{strategy}</c>, <c>{phase}</c>, <c>{percent}</c>,
/// <c>{newGroupName}</c>, <c>{newGroupId}</c>, <c>{oldGroupName}</c>, <c>{oldGroupId}</c>, <c>{targetGroupArn}</c>,
/// <c>{targetGroup}</c> (the ARN's <c>targetgroup/name/id</c> suffix, CloudWatch's <c>TargetGroup</c> dimension),
/// <c>{targetGroupName}</c>, <c>{loadBalancer}</c> (<c>app/name/id</c>, CloudWatch's <c>LoadBalancer</c> dimension).
/// </summary>
public sealed partial class AnalysisContext
{
    /// <summary>Every placeholder name, as written between braces.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["app", "deploymentId", "strategy", "phase", "percent", "newGroupName", "newGroupId", "oldGroupName", "oldGroupId", "targetGroupArn", "targetGroup", "targetGroupName", "loadBalancer"];

    /// <summary>The deployment id.</summary>
    public string DeploymentId { get; init; } = string.Empty;

    /// <summary>The app.</summary>
    public string AppName { get; init; } = string.Empty;

    /// <summary>The strategy, such as <c>Canary</c>.</summary>
    public string Strategy { get; init; } = string.Empty;

    /// <summary>The stage just completed, such as <c>phase 1 (10%)</c>.</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>The share of the new version at this point (0–100), when the strategy has one.</summary>
    public int? Percent { get; init; }

    /// <summary>The new group's name.</summary>
    public string? NewGroupName { get; init; }

    /// <summary>The new group's id, once created.</summary>
    public string? NewGroupId { get; init; }

    /// <summary>The group the deployment replaces, when there is one.</summary>
    public string? OldGroupName { get; init; }

    /// <summary>Its id.</summary>
    public string? OldGroupId { get; init; }

    /// <summary>The production target group's ARN (Blue/Green), when known.</summary>
    public string? TargetGroupArn { get; init; }

    /// <summary>The load balancer's CloudWatch dimension (<c>app/name/id</c>), when known.</summary>
    public string? LoadBalancer { get; init; }

    /// <summary>The deployment's clock (for checks whose queries take a time range, such as a CloudWatch window).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The deployment's CloudWatch client (its AWS connection's), for the CloudWatch checks; null without one.</summary>
    public CloudWatchClient? CloudWatch { get; init; }

    /// <summary>Which group a new-versus-old comparison is measuring now; null outside comparisons.</summary>
    public string? ComparedGroup { get; init; }

    /// <summary>The first placeholder of <paramref name="template"/> that is not one of <see cref="Placeholders"/>, or null.</summary>
    /// <param name="template">A text with <c>{placeholders}</c>.</param>
    /// <returns>The unknown name, or null when every placeholder is known.</returns>
    public static string? UnknownPlaceholder(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value).FirstOrDefault(name => !Placeholders.Contains(name, StringComparer.Ordinal));

    /// <summary>
    /// <paramref name="template"/> with its placeholders replaced by their values, each passed through
    /// <paramref name="escape"/> (e.g. <see cref="Uri.EscapeDataString(string)"/> inside a URL).
    /// </summary>
    /// <param name="template">A text with <c>{placeholders}</c>.</param>
    /// <param name="escape">Applied to each value; null leaves values as they are.</param>
    /// <returns>The filled text.</returns>
    /// <exception cref="InvalidOperationException">A placeholder has no value at this point (such as <c>{oldGroupId}</c> on a first deployment).</exception>
    public string Fill(string template, Func<string, string>? escape = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            var value = ValueOf(name) ?? throw new InvalidOperationException($"The placeholder {{{name}}} has no value at {Phase} of deployment {DeploymentId}.");
            return escape is null ? value : escape(value);
        });
    }

    /// <summary>The value of one placeholder, or null when it has none here.</summary>
    /// <param name="name">A name from <see cref="Placeholders"/>.</param>
    /// <returns>The value.</returns>
    public string? ValueOf(string name) => name switch
    {
        "app" => AppName,
        "deploymentId" => DeploymentId,
        "strategy" => Strategy,
        "phase" => Phase,
        "percent" => Percent?.ToString(CultureInfo.InvariantCulture),
        "newGroupName" => NewGroupName,
        "newGroupId" => NewGroupId,
        "oldGroupName" => OldGroupName,
        "oldGroupId" => OldGroupId,
        "targetGroupArn" => TargetGroupArn,
        "targetGroup" => ArnResource(TargetGroupArn, "targetgroup/"),
        "targetGroupName" => ArnResource(TargetGroupArn, "targetgroup/")?.Split('/')[1],
        "loadBalancer" => LoadBalancer,
        _ => null,
    };

    /// <summary>A copy measuring <paramref name="group"/> in the place of the new group (for new-versus-old comparisons).</summary>
    internal AnalysisContext For(string group, string? name, string? id) =>
        new()
        {
            DeploymentId = DeploymentId, AppName = AppName, Strategy = Strategy, Phase = Phase, Percent = Percent,
            NewGroupName = name, NewGroupId = id, OldGroupName = OldGroupName, OldGroupId = OldGroupId,
            TargetGroupArn = TargetGroupArn, LoadBalancer = LoadBalancer, TimeProvider = TimeProvider, ComparedGroup = group, CloudWatch = CloudWatch,
        };

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder().Append(AppName).Append(' ').Append(DeploymentId).Append(" at ").Append(Phase);
        return text.ToString();
    }

    private static string? ArnResource(string? arn, string prefix)
    {
        var at = arn?.IndexOf(":" + prefix, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : arn![(at + 1)..];
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
