namespace Spot.Deploy.Elastigroup;

/// <summary>
/// One call of Spot's API as <see cref="ElastigroupClient"/> sends it: the HTTP method and the route template
/// (<c>PUT /aws/ec2/group/{groupId}/capacity</c>). The client sends every request through one of these
/// (see <see cref="SpotApi"/>), so a description made from them (a dry run, a log, an audit) is what goes on the wire.
/// </summary>
/// <remarks>Two descriptors are equal when their method and template are.</remarks>
public sealed record SpotApiCall
{
    private const string GroupIdPlaceholder = "{groupId}";
    private const string RollIdPlaceholder = "{rollId}";

    internal SpotApiCall(string method, string template, CallSafety safety)
    {
        Method = method;
        Template = template;
        Safety = safety;
        HttpMethod = HttpMethod.Parse(method);
    }

    /// <summary>The HTTP method, upper case: <c>GET</c>, <c>POST</c>, <c>PUT</c>, <c>DELETE</c>.</summary>
    public string Method { get; }

    /// <summary>
    /// The path with its placeholders, such as <c>/aws/ec2/group/{groupId}/roll/{rollId}/status</c>; no query
    /// (the client adds <c>accountId</c>, and <c>adjustment</c> for a scale, <c>autoApplyTags</c> for an update).
    /// It is also the route the client's logs, traces and rate limit use.
    /// </summary>
    public string Template { get; }

    /// <summary>Whether the template has a <c>{groupId}</c>, so <see cref="Path"/> needs a group id.</summary>
    public bool HasGroupId => Template.Contains(GroupIdPlaceholder, StringComparison.Ordinal);

    /// <summary>Whether the template has a <c>{rollId}</c>, so <see cref="Path"/> needs a roll id.</summary>
    public bool HasRollId => Template.Contains(RollIdPlaceholder, StringComparison.Ordinal);

    /// <summary>Whether the client may send the call again after an unclear failure.</summary>
    internal CallSafety Safety { get; }

    internal HttpMethod HttpMethod { get; }

    /// <summary>
    /// The concrete path: each id escaped as exactly one path segment (<c>a/b</c> becomes <c>a%2Fb</c>).
    /// </summary>
    /// <param name="groupId">The group id; required exactly when <see cref="HasGroupId"/>.</param>
    /// <param name="rollId">The roll id; required exactly when <see cref="HasRollId"/>.</param>
    /// <returns>The path, such as <c>/aws/ec2/group/sig-1/roll/sbgd-2/status</c>.</returns>
    /// <exception cref="ArgumentNullException">An id the template needs is null.</exception>
    /// <exception cref="ArgumentException">
    /// An id is empty or white space, is <c>.</c> or <c>..</c> (HTTP clients and servers remove such segments, so the call
    /// would reach another route), holds a control character or an unpaired surrogate (it cannot be sent unchanged),
    /// or is given for a template without its placeholder. The exception names the parameter.
    /// </exception>
    public string Path(string? groupId = null, string? rollId = null)
    {
        var path = Fill(Template, GroupIdPlaceholder, groupId, nameof(groupId));
        return Fill(path, RollIdPlaceholder, rollId, nameof(rollId));
    }

    /// <summary>The method and template: <c>PUT /aws/ec2/group/{groupId}/capacity</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Method + " " + Template;

    /// <summary>Value equality on method and template.</summary>
    /// <param name="other">The other descriptor.</param>
    /// <returns>Whether both have the same method and template.</returns>
    public bool Equals(SpotApiCall? other) =>
        other is not null && string.Equals(Method, other.Method, StringComparison.Ordinal) && string.Equals(Template, other.Template, StringComparison.Ordinal);

    /// <summary>A hash of method and template.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Method), StringComparer.Ordinal.GetHashCode(Template));

    private string Fill(string path, string placeholder, string? id, string parameterName)
    {
        if (!path.Contains(placeholder, StringComparison.Ordinal))
        {
            return id is null
                ? path
                : throw new ArgumentException($"{this} has no {placeholder}; pass no {parameterName}.", parameterName);
        }

        ArgumentNullException.ThrowIfNull(id, parameterName);
        if (Problem(id) is { } problem)
        {
            throw new ArgumentException($"The {parameterName} {problem}, so it cannot be sent as one path segment of {Template}.", parameterName);
        }

        return path.Replace(placeholder, Uri.EscapeDataString(id), StringComparison.Ordinal);
    }

    /// <summary>Why an id cannot be one path segment, or null when it can.</summary>
    private static string? Problem(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return id.Length == 0 ? "is empty" : "is only white space";
        }

        if (id is "." or "..")
        {
            return $"is \"{id}\", a dot segment that HTTP removes from paths";
        }

        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsControl(c))
            {
                return $"holds the control character U+{(int)c:X4} at index {i}";
            }

            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"holds an unpaired surrogate at index {i}";
            }
        }

        return null;
    }
}

/// <summary>
/// Every call <see cref="ElastigroupClient"/> makes, one property per client method (named after it, without
/// <c>Async</c>). The client sends through these same descriptors, so the table cannot drift from the wire: describe
/// calls with it (dry runs, logs) instead of retyping routes.
/// </summary>
/// <remarks>
/// Several methods share a route: <see cref="UpdateGroup"/>, <see cref="RenameGroup"/> and <see cref="SetImage"/> are
/// all <c>PUT /aws/ec2/group/{groupId}</c> (with different bodies); <see cref="GetRoll"/> reads the roll list, since
/// Spot documents no <c>GET …/roll/{rollId}</c>. A call that makes follow-up requests names its first one: an unclear
/// <see cref="CreateGroup"/> is followed by <see cref="ListGroups"/>, a <see cref="StartRoll"/> whose answer names no
/// roll by <see cref="ListRolls"/>.
/// </remarks>
public static class SpotApi
{
    private const string Groups = "/aws/ec2/group";
    private const string Group = Groups + "/{groupId}";
    private const string Rolls = Group + "/roll";
    private const string Roll = Rolls + "/{rollId}";
    private const string CodeDeployBlueGreen = Group + "/codeDeploy/blueGreenDeployment";

    /// <summary><c>GET /aws/ec2/group</c> (<see cref="IElastigroupClient.ListGroupsAsync"/>).</summary>
    public static SpotApiCall ListGroups { get; } = new("GET", Groups, CallSafety.Idempotent);

    /// <summary><c>POST /aws/ec2/group</c> (<see cref="IElastigroupClient.CreateGroupAsync"/>).</summary>
    public static SpotApiCall CreateGroup { get; } = new("POST", Groups, CallSafety.RejectedOnly);

    /// <summary><c>GET /aws/ec2/group/{groupId}</c> (<see cref="IElastigroupClient.GetGroupAsync"/>).</summary>
    public static SpotApiCall GetGroup { get; } = new("GET", Group, CallSafety.Idempotent);

    /// <summary><c>GET /aws/ec2/group/{groupId}</c> (<see cref="IElastigroupClient.GetGroupDocumentAsync"/>).</summary>
    public static SpotApiCall GetGroupDocument { get; } = new("GET", Group, CallSafety.Idempotent);

    /// <summary><c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group": patch}</c> (<see cref="IElastigroupClient.UpdateGroupAsync"/>).</summary>
    public static SpotApiCall UpdateGroup { get; } = new("PUT", Group, CallSafety.Idempotent);

    /// <summary><c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group":{"name": …}}</c> (<see cref="IElastigroupClient.RenameGroupAsync"/>).</summary>
    public static SpotApiCall RenameGroup { get; } = new("PUT", Group, CallSafety.Idempotent);

    /// <summary>
    /// <c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group":{"compute":{"launchSpecification":{"imageId"|"images": …}}}}</c>
    /// (<see cref="IElastigroupClient.SetImageAsync"/>).
    /// </summary>
    public static SpotApiCall SetImage { get; } = new("PUT", Group, CallSafety.Idempotent);

    /// <summary><c>DELETE /aws/ec2/group/{groupId}</c> (<see cref="IElastigroupClient.DeleteGroupAsync"/>).</summary>
    public static SpotApiCall DeleteGroup { get; } = new("DELETE", Group, CallSafety.Idempotent);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/capacity</c> (<see cref="IElastigroupClient.UpdateCapacityAsync"/>).</summary>
    public static SpotApiCall UpdateCapacity { get; } = new("PUT", Group + "/capacity", CallSafety.Idempotent);

    /// <summary><c>GET /aws/ec2/group/{groupId}/status</c> (<see cref="IElastigroupClient.GetGroupStatusAsync"/>).</summary>
    public static SpotApiCall GetGroupStatus { get; } = new("GET", Group + "/status", CallSafety.Idempotent);

    /// <summary><c>GET /aws/ec2/group/{groupId}/instanceHealthiness</c> (<see cref="IElastigroupClient.GetInstanceHealthinessAsync"/>).</summary>
    public static SpotApiCall GetInstanceHealthiness { get; } = new("GET", Group + "/instanceHealthiness", CallSafety.Idempotent);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/roll</c> (<see cref="IElastigroupClient.StartRollAsync"/>).</summary>
    public static SpotApiCall StartRoll { get; } = new("PUT", Rolls, CallSafety.RejectedOnly);

    /// <summary><c>GET /aws/ec2/group/{groupId}/roll</c> (<see cref="IElastigroupClient.ListRollsAsync"/>).</summary>
    public static SpotApiCall ListRolls { get; } = new("GET", Rolls, CallSafety.Idempotent);

    /// <summary><c>GET /aws/ec2/group/{groupId}/roll</c>: the roll is found in the list (<see cref="IElastigroupClient.GetRollAsync"/>).</summary>
    public static SpotApiCall GetRoll { get; } = new("GET", Rolls, CallSafety.Idempotent);

    /// <summary><c>GET /aws/ec2/group/{groupId}/roll/{rollId}/status</c> (<see cref="IElastigroupClient.GetRollStatusAsync"/>).</summary>
    public static SpotApiCall GetRollStatus { get; } = new("GET", Roll + "/status", CallSafety.Idempotent);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/roll/{rollId}</c> with <c>{"roll":{"status":"STOPPED"}}</c> (<see cref="IElastigroupClient.StopRollAsync"/>).</summary>
    public static SpotApiCall StopRoll { get; } = new("PUT", Roll, CallSafety.Idempotent);

    /// <summary><c>POST /aws/ec2/group/{groupId}/roll/{rollId}/action</c> (<see cref="IElastigroupClient.RollActionAsync"/>).</summary>
    public static SpotApiCall RollAction { get; } = new("POST", Roll + "/action", CallSafety.RejectedOnly);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/detachInstances</c> (<see cref="IElastigroupClient.DetachInstancesAsync"/>).</summary>
    public static SpotApiCall DetachInstances { get; } = new("PUT", Group + "/detachInstances", CallSafety.RejectedOnly);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/scale/up</c>, with <c>adjustment=n</c> in the query (<see cref="IElastigroupClient.ScaleUpAsync"/>).</summary>
    public static SpotApiCall ScaleUp { get; } = new("PUT", Group + "/scale/up", CallSafety.RejectedOnly);

    /// <summary><c>PUT /aws/ec2/group/{groupId}/scale/down</c>, with <c>adjustment=n</c> in the query (<see cref="IElastigroupClient.ScaleDownAsync"/>).</summary>
    public static SpotApiCall ScaleDown { get; } = new("PUT", Group + "/scale/down", CallSafety.RejectedOnly);

    /// <summary><c>POST /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment</c> (<see cref="IElastigroupClient.StartCodeDeployBlueGreenAsync"/>).</summary>
    public static SpotApiCall StartCodeDeployBlueGreen { get; } = new("POST", CodeDeployBlueGreen, CallSafety.RejectedOnly);

    /// <summary><c>GET /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment</c> (<see cref="IElastigroupClient.GetCodeDeployBlueGreenAsync"/>).</summary>
    public static SpotApiCall GetCodeDeployBlueGreen { get; } = new("GET", CodeDeployBlueGreen, CallSafety.Idempotent);
}
