namespace Spot.Deploy.Aws;

/// <summary>Where <see cref="AmiQuery.Version"/> / <see cref="AmiQuery.VersionPattern"/> are looked for on an image.</summary>
public enum AmiVersionSource
{
    /// <summary>The image's name.</summary>
    Name,

    /// <summary>The value of the image tag named by <see cref="AmiQuery.VersionTag"/>.</summary>
    Tag,
}
