using System.Text;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>One API call of a dry run: a Spot route (method and path from the client's route table) or an AWS action.</summary>
/// <param name="Service"><c>Spot</c>, <c>ELBv2</c> or <c>EC2</c>.</param>
/// <param name="Method">HTTP method (Spot), or null for an AWS action.</param>
/// <param name="Route">The path with ids filled in (Spot), or the AWS action name.</param>
/// <param name="Details">What it sends or waits for, in words; empty when nothing worth saying.</param>
/// <param name="Polled">Sent repeatedly until a condition holds.</param>
internal sealed record ApiCall(string Service, string? Method, string Route, string Details, bool Polled = false)
{
    private static readonly IReadOnlyDictionary<string, object> NoParameters = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>What the call acts on: a group id (or its placeholder), or a listener, rule or target group ARN; null for a call on the collection.</summary>
    public string? Target { get; init; }

    /// <summary>The values it sends, by name (such as <c>target</c>, <c>imageId</c>); empty when it sends none worth naming.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; init; } = NoParameters;

    /// <summary>An AWS action's details without its target (the line puts the target in front of them).</summary>
    private string ActionDetails { get; init; } = string.Empty;

    /// <summary>A Spot call from the client's route table.</summary>
    public static ApiCall Spot(SpotApiCall call, string groupId, string details = "", bool polled = false, string? rollId = null) =>
        new("Spot", call.Method, Fill(call, groupId, rollId), details, polled) { Target = groupId };

    /// <summary>A Spot call on the collection (no group id).</summary>
    public static ApiCall SpotCollection(SpotApiCall call, string details) => new("Spot", call.Method, call.Path(), details);

    /// <summary>The path with real ids escaped by the client's own rule; a placeholder such as <c>{id of web__8}</c> is shown as it is.</summary>
    private static string Fill(SpotApiCall call, string groupId, string? rollId) =>
        IsPlaceholder(groupId) || IsPlaceholder(rollId)
            ? call.Template.Replace("{groupId}", groupId, StringComparison.Ordinal).Replace("{rollId}", rollId ?? "{rollId}", StringComparison.Ordinal)
            : call.Path(groupId, rollId);

    private static bool IsPlaceholder(string? id) => id is not null && id.StartsWith('{');

    /// <summary>An ELBv2 action.</summary>
    public static ApiCall Elb(string action, string target, string details = "") =>
        new("ELBv2", null, action, string.IsNullOrEmpty(details) ? target : target + ": " + details) { Target = target, ActionDetails = details };

    /// <summary>The same call with the values it sends, by name.</summary>
    public ApiCall With(params (string Name, object Value)[] parameters) =>
        this with { Parameters = parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal) };

    /// <summary>The call as data for a preview, with its line as <see cref="PreviewApiCall.Text"/>.</summary>
    public PreviewApiCall ToPreview() =>
        new(Service, Method, Method is null ? null : Route, Method is null ? Route : null, Target, Method is null ? ActionDetails : Details, Polled, Parameters, ToString());

    /// <summary>
    /// The call as one line: <c>PUT /aws/ec2/group/sig-1/capacity (capacity …)</c>, <c>GET /aws/ec2/group/sig-1/status, polled
    /// until …</c>, or <c>ELBv2 ModifyListener arn…: forward …</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder(Method is null ? Service + " " + Route : Method + " " + Route);
        if (Details.Length == 0)
        {
            return text.ToString();
        }

        return (Method is null ? text.Append(' ').Append(Details)
            : Polled ? text.Append(", polled ").Append(Details)
            : text.Append(" (").Append(Details).Append(')')).ToString();
    }
}
