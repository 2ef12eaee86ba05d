using System.Globalization;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>The <see cref="AnalysisContext"/> of a run at a stage: its names, groups and routes as the journal knows them.</summary>
internal static partial class AnalysisContexts
{
    public static AnalysisContext Of(DeploymentRun run, int stage, string? newGroupId)
    {
        var compiled = run.Compiled;
        var done = stage > 0 ? compiled.Stages[stage - 1].Name : compiled.Stages[stage].Name;
        var (oldName, oldId, targetGroupArn, loadBalancer) = compiled.Rollback switch
        {
            RevisionsRollback revisions => (revisions.Previous?.Name, revisions.Previous?.Id, null, null),
            BlueGreenRollback blueGreen => (blueGreen.Production?.Name, blueGreen.Production?.Id,
                blueGreen.Routes.Count > 0 ? blueGreen.Routes[0].ProductionTargetGroupArn : null,
                LoadBalancerOf(blueGreen.Routes.Count > 0 ? blueGreen.Routes[0].Production.ListenerArn : null)),
            _ => ((string?)null, (string?)null, (string?)null, (string?)null),
        };
        var percent = Percent().Match(done);
        return new AnalysisContext
        {
            DeploymentId = run.Id,
            AppName = compiled.AppName,
            Strategy = compiled.Strategy.ToString(),
            Phase = done,
            // After the setup (stage 0) the new version has no share yet.
            Percent = percent.Success ? int.Parse(percent.Groups[1].Value, CultureInfo.InvariantCulture) : stage == 1 ? 0 : null,
            // A Spot roll has no new group (NewGroupName null): its analysis watches the rolled group, its final one.
            NewGroupName = compiled.NewGroupName ?? compiled.FinalGroupName,
            NewGroupId = newGroupId,
            OldGroupName = oldName,
            OldGroupId = oldId,
            TargetGroupArn = targetGroupArn,
            LoadBalancer = loadBalancer,
            TimeProvider = run.Services.TimeProvider,
            CloudWatch = run.Services.Aws?.CloudWatch,
        };
    }

    /// <summary>CloudWatch's LoadBalancer dimension (<c>app/name/id</c>) from a listener ARN (<c>…:listener/app/name/id/listener-id</c>).</summary>
    internal static string? LoadBalancerOf(string? listenerArn)
    {
        var at = listenerArn?.IndexOf(":listener/", StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var parts = listenerArn![(at + ":listener/".Length)..].Split('/');
        return parts.Length >= 3 ? string.Join('/', parts[..3]) : null;
    }

    /// <summary>The share in a stage name the planner made: <c>phase 1 of 3 (10 %)</c>, <c>traffic 25 %</c>.</summary>
    [GeneratedRegex(@"(\d{1,3}) ?%", RegexOptions.CultureInvariant)]
    private static partial Regex Percent();
}
