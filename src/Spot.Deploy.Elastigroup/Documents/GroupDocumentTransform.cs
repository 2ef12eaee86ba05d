namespace Spot.Deploy.Elastigroup;

/// <summary>
/// What <see cref="ElastigroupDocument.Transform(GroupDocumentTransform)"/> changes in a copy of a group document.
/// Every property defaults to "no change", so <c>new GroupDocumentTransform()</c> yields an identical copy.
/// Nothing that is not named here is touched: unknown sections, explicit nulls, numbers or booleans written as
/// strings and number formatting all survive.
/// </summary>
public sealed class GroupDocumentTransform
{
    /// <summary>
    /// The new <c>name</c> of the group, or null (default) to keep the document's. Must not be empty or white space.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The AMI to launch, or null (default) to keep the document's image. When
    /// <c>compute.launchSpecification</c> has an <c>images</c> array, that array becomes <c>[{"id": ImageId}]</c>
    /// and no <c>imageId</c> is added (an <c>imageId</c> already holding a string is set too, so no stale AMI
    /// survives); otherwise <c>compute.launchSpecification.imageId</c> is set, creating the path if absent.
    /// Must not be empty or white space.
    /// </summary>
    public string? ImageId { get; set; }

    /// <summary>
    /// User data as plain text, or null (default) to keep the document's. It is encoded as UTF-8, then base64, into
    /// <c>compute.launchSpecification.userData</c>; an empty string sets an empty <c>userData</c>.
    /// </summary>
    public string? UserData { get; set; }

    /// <summary>
    /// Whether to remove the read-only top-level fields <c>id</c>, <c>createdAt</c> and <c>updatedAt</c>, as a create
    /// request requires. Default false.
    /// </summary>
    public bool RemoveReadOnlyFields { get; set; }

    /// <summary>
    /// Whether to set <c>capacity.minimum</c>, <c>capacity.target</c> and <c>capacity.maximum</c> to the JSON number 0,
    /// keeping <c>unit</c> and every other field of <c>capacity</c>; <c>capacity</c> is created when absent (without a
    /// <c>unit</c>: Spot then uses <c>instance</c>). Default false.
    /// </summary>
    public bool ZeroCapacity { get; set; }

    /// <summary>
    /// The load balancers to attach, replacing <c>compute.launchSpecification.loadBalancersConfig.loadBalancers</c>
    /// (the path is created when absent; other fields of <c>loadBalancersConfig</c> are kept), or null (default) to
    /// keep the document's. An empty list attaches none. Each entry needs a <c>Type</c> and a name or ARN;
    /// a <c>TARGET_GROUP</c> needs an ARN. Null <c>Name</c>/<c>Arn</c> are left out of the JSON.
    /// </summary>
    public IReadOnlyList<LoadBalancerReference>? LoadBalancers { get; set; }

    /// <summary>Rejects settings that cannot be applied, before anything is copied.</summary>
    internal void Validate(string parameterName)
    {
        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException(
                "GroupDocumentTransform.Name must not be empty or white space; leave it null to keep the document's name.",
                parameterName);
        }

        if (ImageId is not null && string.IsNullOrWhiteSpace(ImageId))
        {
            throw new ArgumentException(
                "GroupDocumentTransform.ImageId must not be empty or white space; leave it null to keep the document's image.",
                parameterName);
        }

        if (LoadBalancers is not null)
        {
            ValidateLoadBalancers(LoadBalancers, "GroupDocumentTransform.LoadBalancers", parameterName);
        }
    }

    /// <summary>Each entry needs a type and a name or ARN; a target group needs its ARN.</summary>
    internal static void ValidateLoadBalancers(IReadOnlyList<LoadBalancerReference> loadBalancers, string label, string parameterName)
    {
        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var problem = loadBalancers[i] switch
            {
                null => "is null",
                { Type: var type } when string.IsNullOrWhiteSpace(type) => "has no Type",
                { Name: var name, Arn: var arn } when string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(arn) => "has neither a Name nor an Arn",
                { Type: DocumentJson.TargetGroupType, Arn: var arn } when string.IsNullOrWhiteSpace(arn) => "is a TARGET_GROUP without an Arn",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ArgumentException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{label}[{i}] {problem}."),
                    parameterName);
            }
        }
    }
}
