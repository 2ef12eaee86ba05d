namespace Spot.Deploy.Aws;

/// <summary>One AMI as EC2 DescribeImages reports it (the fields a deployment needs).</summary>
/// <param name="Id">The image id, <c>ami-…</c>.</param>
/// <param name="Name">The image name.</param>
/// <param name="CreationDate">When the image was created; null when EC2 did not say.</param>
/// <param name="State">The image state, e.g. <c>available</c>.</param>
/// <param name="IsDeprecated">True when <paramref name="DeprecationTime"/> had passed when the image was read.</param>
/// <param name="DeprecationTime">When the image is or was deprecated; null when never.</param>
/// <param name="Tags">The image's tags, key → value (keys are case-sensitive).</param>
/// <param name="Architecture">e.g. <c>x86_64</c>, <c>arm64</c>.</param>
/// <param name="OwnerId">The owning account id.</param>
public sealed record AmiImage(
    string Id,
    string? Name,
    DateTimeOffset? CreationDate,
    string? State,
    bool IsDeprecated,
    DateTimeOffset? DeprecationTime,
    IReadOnlyDictionary<string, string> Tags,
    string? Architecture,
    string? OwnerId);
