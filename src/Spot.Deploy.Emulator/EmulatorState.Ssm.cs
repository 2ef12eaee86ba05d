using System.Text.RegularExpressions;

namespace Spot.Deploy.Emulator;

/// <summary>SSM parameters (every version kept, labels on versions) and the KMS keys SecureStrings are decrypted with.</summary>
public sealed partial class EmulatorState
{
    /// <summary>The AWS managed key of SecureString parameters when no other is given; always usable.</summary>
    public const string DefaultParameterKeyId = "alias/aws/ssm";

    private readonly SortedDictionary<string, List<SsmParameterVersion>> _parameters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal) { DefaultParameterKeyId };

    /// <summary>
    /// Puts a new version of an SSM parameter (version 1 when it is new) and returns that version number. Labels given
    /// move to the new version, as SSM's <c>LabelParameterVersion</c> moves them.
    /// </summary>
    /// <param name="name">The name, e.g. <c>/images/web</c> (letters, digits, <c>_ . - /</c>; up to 2048 characters).</param>
    /// <param name="value">The value, e.g. an AMI id.</param>
    /// <param name="type"><c>String</c> (default), <c>StringList</c> or <c>SecureString</c>.</param>
    /// <param name="labels">Labels of the new version (letters, digits, <c>_ . -</c>; not starting with a digit, <c>aws</c> or <c>ssm</c>).</param>
    /// <param name="dataType"><c>text</c> (default) or <c>aws:ec2:image</c>.</param>
    /// <param name="keyId">For a SecureString: the KMS key (default <see cref="DefaultParameterKeyId"/>); decryption with any
    /// other key not added by <see cref="SeedKmsKey"/> is refused with <c>InvalidKeyId</c>.</param>
    /// <exception cref="ArgumentException">The name, type, data type or a label is not valid.</exception>
    public long SeedParameter(string name, string value, string type = "String", IEnumerable<string>? labels = null, string dataType = "text", string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!ParameterNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not an SSM parameter name (letters, digits, _ . - /).", nameof(name));
        }

        if (type is not ("String" or "StringList" or "SecureString"))
        {
            throw new ArgumentException("The type must be String, StringList or SecureString.", nameof(type));
        }

        if (dataType is not ("text" or "aws:ec2:image"))
        {
            throw new ArgumentException("The data type must be text or aws:ec2:image.", nameof(dataType));
        }

        var newLabels = (labels ?? []).ToList();
        foreach (var label in newLabels)
        {
            if (!IsParameterLabel(label))
            {
                throw new ArgumentException($"'{label}' is not a parameter label (letters, digits, _ . -; not starting with a digit, aws or ssm).", nameof(labels));
            }
        }

        lock (Gate)
        {
            if (!_parameters.TryGetValue(name, out var versions))
            {
                _parameters[name] = versions = [];
            }

            foreach (var old in versions)
            {
                old.Labels.RemoveAll(newLabels.Contains);
            }

            var version = versions.Count + 1;
            versions.Add(new SsmParameterVersion(name, version, value, type, dataType, type == "SecureString" ? keyId ?? DefaultParameterKeyId : null, Now, newLabels));
            return version;
        }
    }

    /// <summary>Adds a KMS key id (or alias) that SecureString parameters can be decrypted with.</summary>
    public void SeedKmsKey(string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        lock (Gate)
        {
            _keys.Add(keyId);
        }
    }

    /// <summary>Every version of a parameter, oldest first (empty when there is none).</summary>
    internal IReadOnlyList<SsmParameterVersion> ParameterVersions(string name)
    {
        lock (Gate)
        {
            return _parameters.TryGetValue(name, out var versions) ? [.. versions] : [];
        }
    }

    internal bool IsKnownKey(string keyId)
    {
        lock (Gate)
        {
            return _keys.Contains(keyId);
        }
    }

    internal static bool IsParameterLabel(string label) =>
        ParameterLabelPattern().IsMatch(label)
        && !label.StartsWith("aws", StringComparison.OrdinalIgnoreCase)
        && !label.StartsWith("ssm", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z0-9_.\-/]{1,2048}\z", RegexOptions.CultureInvariant)]
    internal static partial Regex ParameterNamePattern();

    [GeneratedRegex(@"^[A-Za-z_.\-][A-Za-z0-9_.\-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterLabelPattern();
}

/// <summary>One version of an SSM parameter.</summary>
internal sealed record SsmParameterVersion(string Name, long Version, string Value, string Type, string DataType, string? KeyId, DateTimeOffset LastModified, List<string> Labels);
