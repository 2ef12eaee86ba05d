namespace Spot.Deploy.Elastigroup;

/// <summary>Every route of Spot's API the client calls, in one place (templates for limits, logs and traces).</summary>
internal static class SpotRoutes
{
    public const string Groups = "/aws/ec2/group";
    public const string Group = "/aws/ec2/group/{groupId}";
    public const string Capacity = "/aws/ec2/group/{groupId}/capacity";
    public const string Status = "/aws/ec2/group/{groupId}/status";
    public const string InstanceHealthiness = "/aws/ec2/group/{groupId}/instanceHealthiness";
    public const string Rolls = "/aws/ec2/group/{groupId}/roll";
    public const string Roll = "/aws/ec2/group/{groupId}/roll/{rollId}";
    public const string RollStatus = "/aws/ec2/group/{groupId}/roll/{rollId}/status";
    public const string RollAction = "/aws/ec2/group/{groupId}/roll/{rollId}/action";
    public const string DetachInstances = "/aws/ec2/group/{groupId}/detachInstances";
    public const string ScaleUp = "/aws/ec2/group/{groupId}/scale/up";
    public const string ScaleDown = "/aws/ec2/group/{groupId}/scale/down";
    public const string CodeDeployBlueGreen = "/aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment";

    /// <summary>Fills a template with escaped ids.</summary>
    public static string Path(string template, string groupId, string? rollId = null)
    {
        var path = template.Replace("{groupId}", Uri.EscapeDataString(groupId), StringComparison.Ordinal);
        return rollId is null ? path : path.Replace("{rollId}", Uri.EscapeDataString(rollId), StringComparison.Ordinal);
    }
}
