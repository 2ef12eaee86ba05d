using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Aws;

/// <summary>
/// Which AMI to deploy: an exact image id, an SSM parameter holding one, or owners plus a name pattern, tags and filters from which
/// the newest available image (optionally of a given version) is chosen. A plain options class;
/// <see cref="Validate"/> runs before any call is made.
/// </summary>
/// <remarks>
/// Owners are required unless <see cref="ImageId"/> is set: a search by name alone would also consider
/// every public image in the region, and anyone can publish a public image with a look-alike name.
/// </remarks>
public sealed partial class AmiQuery
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An exact image id (<c>ami-…</c>). When set, only this image is described and every other
    /// criterion is ignored except that the image must be <c>available</c>; a deprecated image is accepted.
    /// </summary>
    public string? ImageId { get; set; }

    /// <summary>
    /// An SSM parameter holding the image id: its name, optionally with a version or label selector
    /// (<c>/images/web</c>, <c>/images/web:3</c>, <c>/images/web:prod</c>,
    /// <c>/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64</c>). When set, the parameter is read
    /// (SSM <c>GetParameter</c>), its value must be an AMI id, and that image is then described as for
    /// <see cref="ImageId"/>: every other criterion is ignored. Cannot be combined with <see cref="ImageId"/>.
    /// </summary>
    public string? Parameter { get; set; }

    /// <summary>Account ids, <c>self</c>, <c>amazon</c>, <c>aws-marketplace</c> … (EC2 <c>Owner.N</c>). Required unless <see cref="ImageId"/> is set.</summary>
    public IList<string> Owners { get; set; } = new List<string>();

    /// <summary>EC2 <c>name</c> filter; <c>*</c> and <c>?</c> are wildcards (<c>my-app-*</c>). Null: any name.</summary>
    public string? NamePattern { get; set; }

    /// <summary>Tags the image must have, key → value (EC2 <c>tag:Key</c> filters; the value may use wildcards).</summary>
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Further EC2 filters, filter name → accepted values (<c>architecture</c> → <c>x86_64</c>). The
    /// <c>state</c> filter is always <c>available</c> and cannot be given here.
    /// </summary>
    public IDictionary<string, IList<string>> Filters { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>Also consider deprecated images (deprecation time in the past). Default false.</summary>
    public bool IncludeDeprecated { get; set; }

    /// <summary>Where the version is read: the image name (default) or the tag named <see cref="VersionTag"/>.</summary>
    public AmiVersionSource VersionSource { get; set; } = AmiVersionSource.Name;

    /// <summary>The tag key holding the version when <see cref="VersionSource"/> is <see cref="AmiVersionSource.Tag"/>.</summary>
    public string? VersionTag { get; set; }

    /// <summary>The exact version (ordinal, case-sensitive comparison with the whole name or tag value). Null: any version.</summary>
    public string? Version { get; set; }

    /// <summary>
    /// A .NET regular expression the version must match (unanchored: write <c>^…$</c> for a whole-value
    /// match). Null: any version. Cannot be combined with <see cref="Version"/>.
    /// </summary>
    public string? VersionPattern { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting; makes no call.</summary>
    public void Validate()
    {
        if (FindProblem() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    /// <summary>The whole query in words, as used in <see cref="AmiNotFoundException"/> messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Parameter is not null)
        {
            text.Append("the image id in SSM parameter ").Append(Parameter).Append(", state available");
            return text.ToString();
        }

        if (ImageId is not null)
        {
            text.Append("image id ").Append(ImageId).Append(", state available");
            return text.ToString();
        }

        text.Append("owners [").AppendJoin(", ", Owners ?? []).Append(']');
        text.Append(", name pattern ").Append(NamePattern is null ? "(any)" : "'" + NamePattern + "'");
        text.Append(", tags {").AppendJoin(", ", (Tags ?? new Dictionary<string, string>()).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value)).Append('}');
        if (Filters is { Count: > 0 })
        {
            text.Append(", filters {")
                .AppendJoin(", ", Filters.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=[" + string.Join(", ", f.Value ?? []) + "]"))
                .Append('}');
        }

        var where = VersionSource == AmiVersionSource.Tag ? "tag '" + VersionTag + "'" : "the name";
        if (Version is not null)
        {
            text.Append(", version '").Append(Version).Append("' in ").Append(where);
        }
        else if (VersionPattern is not null)
        {
            text.Append(", version matching /").Append(VersionPattern).Append("/ in ").Append(where);
        }
        else
        {
            text.Append(", any version");
        }

        text.Append(IncludeDeprecated ? ", deprecated included" : ", deprecated excluded");
        return text.ToString();
    }

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    internal string? FindProblem()
    {
        if (Parameter is not null)
        {
            return ImageId is not null ? "AmiQuery.ImageId and AmiQuery.Parameter cannot both be set."
                : !ParameterPattern().IsMatch(Parameter) ? $"AmiQuery.Parameter '{Parameter}' is not an SSM parameter name with an optional :version or :label (e.g. /images/web, /images/web:3, /images/web:prod)."
                : null;
        }

        if (ImageId is not null)
        {
            return string.IsNullOrWhiteSpace(ImageId) ? "AmiQuery.ImageId must not be empty when it is set." : null;
        }

        if (Owners is null || Owners.Count == 0)
        {
            return "AmiQuery.Owners is required unless ImageId is set (use 'self' for the calling account): a search without owners would also consider every public image.";
        }

        if (Owners.Any(string.IsNullOrWhiteSpace))
        {
            return "AmiQuery.Owners must not contain empty entries.";
        }

        if (NamePattern is not null && string.IsNullOrWhiteSpace(NamePattern))
        {
            return "AmiQuery.NamePattern must not be empty when it is set.";
        }

        if (Tags is null || Tags.Any(tag => string.IsNullOrWhiteSpace(tag.Key) || tag.Value is null))
        {
            return "AmiQuery.Tags must not be null and every tag needs a key and a value.";
        }

        if (Filters is null)
        {
            return "AmiQuery.Filters must not be null.";
        }

        foreach (var filter in Filters)
        {
            if (string.IsNullOrWhiteSpace(filter.Key) || filter.Value is null || filter.Value.Count == 0 || filter.Value.Any(v => v is null))
            {
                return string.Create(CultureInfo.InvariantCulture, $"AmiQuery.Filters['{filter.Key}'] needs a name and at least one value.");
            }

            if (string.Equals(filter.Key, "state", StringComparison.Ordinal))
            {
                return "AmiQuery.Filters must not contain 'state': only available images are ever chosen.";
            }
        }

        if (!Enum.IsDefined(VersionSource))
        {
            return "AmiQuery.VersionSource is not a known value.";
        }

        if (VersionSource == AmiVersionSource.Tag && string.IsNullOrWhiteSpace(VersionTag))
        {
            return "AmiQuery.VersionTag is required when VersionSource is Tag.";
        }

        if (VersionSource == AmiVersionSource.Name && VersionTag is not null)
        {
            return "AmiQuery.VersionTag is set but VersionSource is Name: set VersionSource to Tag to read the version from that tag.";
        }

        if (Version is not null && VersionPattern is not null)
        {
            return "AmiQuery.Version and AmiQuery.VersionPattern cannot both be set.";
        }

        if (VersionPattern is not null)
        {
            try
            {
                _ = CreateVersionRegex(VersionPattern);
            }
            catch (ArgumentException e)
            {
                return "AmiQuery.VersionPattern is not a valid regular expression: " + e.Message;
            }
        }

        return null;
    }

    /// <summary>An SSM parameter name (letters, digits, <c>_ . - /</c>), then optionally <c>:version</c> (1, 2, …) or <c>:label</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_.\-/]{1,2048}(:([1-9][0-9]{0,18}|[A-Za-z_.\-][A-Za-z0-9_.\-]{0,99}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    /// <summary>The version pattern, culture-invariant and with a match timeout (it comes from configuration).</summary>
    internal static Regex CreateVersionRegex(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant, RegexTimeout);
}
