using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// The AMIs a group launches, as its launch specification names them: either one
/// <c>compute.launchSpecification.imageId</c> (<see cref="FromImageId"/>) or a list
/// <c>compute.launchSpecification.images: [{"id": …}, …]</c> (<see cref="FromImages"/>). Immutable, compared by value.
/// </summary>
/// <remarks>
/// Read a group's with <see cref="ElastigroupDocument.LaunchImage"/>, deploy a new AMI into it with
/// <see cref="WithFirst"/> (the other images of a list stay), and send it with
/// <see cref="IElastigroupClient.SetImageAsync"/>. An AMI id is <c>ami-</c> followed by at least one character, with no
/// white space or control character.
/// </remarks>
public sealed class LaunchImage : IEquatable<LaunchImage>
{
    private const string Prefix = "ami-";

    private readonly string[] _imageIds;

    private LaunchImage(bool usesImages, string[] imageIds)
    {
        UsesImages = usesImages;
        _imageIds = imageIds;
        ImageIds = new ReadOnlyCollection<string>(imageIds);
    }

    /// <summary>Whether the group names its AMIs in <c>images</c> (true) or in <c>imageId</c> (false).</summary>
    public bool UsesImages { get; }

    /// <summary>The <c>imageId</c>, or the first id of <c>images</c>: the AMI a deployment replaces.</summary>
    public string FirstImageId => _imageIds[0];

    /// <summary>Every AMI id, in order: the one <c>imageId</c>, or each id of <c>images</c>. Never empty.</summary>
    public IReadOnlyList<string> ImageIds { get; }

    /// <summary>One AMI, sent as <c>compute.launchSpecification.imageId</c>.</summary>
    /// <param name="imageId">The AMI id, such as <c>ami-0abc</c>.</param>
    /// <returns>The launch image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="imageId"/> is not an AMI id.</exception>
    public static LaunchImage FromImageId(string imageId)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        Validate(imageId, nameof(imageId), nameof(imageId));
        return new LaunchImage(usesImages: false, [imageId]);
    }

    /// <summary>A list of AMIs, sent as <c>compute.launchSpecification.images: [{"id": …}, …]</c>, every id in order.</summary>
    /// <param name="imageIds">The AMI ids; copied, so changing the list later changes nothing here.</param>
    /// <returns>The launch image.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageIds"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="imageIds"/> is empty, or an entry is null or not an AMI id.</exception>
    public static LaunchImage FromImages(IReadOnlyList<string> imageIds)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        var copy = imageIds.ToArray();
        if (copy.Length == 0)
        {
            throw new ArgumentException("The list of images is empty; it needs at least one AMI id.", nameof(imageIds));
        }

        for (var i = 0; i < copy.Length; i++)
        {
            Validate(copy[i], $"{nameof(imageIds)}[{i}]", nameof(imageIds));
        }

        return new LaunchImage(usesImages: true, copy);
    }

    /// <summary>Why <paramref name="imageId"/> is not an AMI id, or null when it is.</summary>
    internal static string? Problem(string? imageId)
    {
        if (imageId is null)
        {
            return "is null";
        }

        if (!imageId.StartsWith(Prefix, StringComparison.Ordinal) || imageId.Length == Prefix.Length)
        {
            return $"is \"{imageId}\": an AMI id is \"{Prefix}\" followed by more";
        }

        return imageId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? "holds white space or a control character"
            : null;
    }

    /// <summary>
    /// This launch image with <paramref name="imageId"/> in place of the first (or only) AMI: the way to deploy a new AMI
    /// into a group. A list keeps every other image, in order; a later entry naming <paramref name="imageId"/> itself is
    /// dropped, so the list never names an AMI twice.
    /// </summary>
    /// <param name="imageId">The new AMI id.</param>
    /// <returns>The new launch image, of the same kind (<see cref="UsesImages"/>); this one is not changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="imageId"/> is not an AMI id.</exception>
    public LaunchImage WithFirst(string imageId)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        Validate(imageId, nameof(imageId), nameof(imageId));
        if (!UsesImages)
        {
            return new LaunchImage(usesImages: false, [imageId]);
        }

        string[] ids = [imageId, .. _imageIds.Skip(1).Where(id => !string.Equals(id, imageId, StringComparison.Ordinal))];
        return new LaunchImage(usesImages: true, ids);
    }

    /// <summary>
    /// The group patch that sets this launch image, as <see cref="IElastigroupClient.SetImageAsync"/> sends it inside
    /// <c>{"group": …}</c>: <c>{"compute":{"launchSpecification":{"imageId":"ami-…"}}}</c> or
    /// <c>{"compute":{"launchSpecification":{"images":[{"id":"ami-…"}, …]}}}</c>.
    /// </summary>
    /// <returns>A new object, for <see cref="IElastigroupClient.UpdateGroupAsync"/> or a dry run.</returns>
    public JsonObject ToGroupPatch()
    {
        JsonObject launchSpecification;
        if (UsesImages)
        {
            var images = new JsonArray();
            foreach (var id in _imageIds)
            {
                images.Add(new JsonObject { ["id"] = id });
            }

            launchSpecification = new JsonObject { ["images"] = images };
        }
        else
        {
            launchSpecification = new JsonObject { ["imageId"] = _imageIds[0] };
        }

        return new JsonObject { ["compute"] = new JsonObject { ["launchSpecification"] = launchSpecification } };
    }

    /// <summary>Whether both name the same AMIs, in the same order, the same way (<c>imageId</c> or <c>images</c>).</summary>
    /// <param name="other">The other launch image.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(LaunchImage? other) =>
        other is not null && UsesImages == other.UsesImages && _imageIds.AsSpan().SequenceEqual(other._imageIds);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LaunchImage);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(UsesImages);
        foreach (var id in _imageIds)
        {
            hash.Add(id, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The field and its AMIs: <c>imageId ami-1</c> or <c>images [ami-1, ami-2]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        UsesImages ? "images [" + string.Join(", ", _imageIds) + "]" : "imageId " + _imageIds[0];

    /// <summary>Value equality.</summary>
    /// <param name="left">One launch image.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal (two nulls are).</returns>
    public static bool operator ==(LaunchImage? left, LaunchImage? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    /// <param name="left">One launch image.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(LaunchImage? left, LaunchImage? right) => !(left == right);

    private static void Validate(string? imageId, string name, string parameterName)
    {
        if (Problem(imageId) is { } problem)
        {
            throw new ArgumentException($"The {name} {problem}.", parameterName);
        }
    }
}
