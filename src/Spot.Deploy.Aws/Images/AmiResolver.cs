using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// Finds the AMI to deploy with EC2 <c>DescribeImages</c> (all pages), then applies what EC2 cannot
/// filter: deprecation as of now, the version choice, and newest-first ordering.
/// </summary>
public sealed class AmiResolver
{
    /// <summary>EC2's largest page for DescribeImages.</summary>
    internal const int PageSize = 1000;

    private const string Action = "DescribeImages";

    private readonly IAwsQueryTransport _transport;
    private readonly TimeProvider _timeProvider;

    internal AmiResolver(IAwsQueryTransport transport, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _transport = transport;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// The newest available image matching <paramref name="query"/> (ties on creation date: lowest image
    /// id, ordinal). <c>POST / Action=DescribeImages</c> (EC2), every page.
    /// </summary>
    /// <exception cref="ArgumentException">The query is invalid (checked before any call).</exception>
    /// <exception cref="AmiNotFoundException">No image matches.</exception>
    /// <exception cref="AwsApiException">EC2 refused the call.</exception>
    public async Task<AmiImage> ResolveAsync(AmiQuery query, CancellationToken cancellationToken = default)
    {
        var search = await SearchAsync(query, cancellationToken).ConfigureAwait(false);
        if (search.Matches.Length == 0)
        {
            throw new AmiNotFoundException(search.QueryDescription, search.ImagesSeen, search.RejectionSummary());
        }

        return search.Matches[0];
    }

    /// <summary>
    /// Every available image matching <paramref name="query"/>, newest first (empty when none).
    /// <c>POST / Action=DescribeImages</c> (EC2), every page.
    /// </summary>
    /// <exception cref="ArgumentException">The query is invalid (checked before any call).</exception>
    /// <exception cref="AwsApiException">EC2 refused the call.</exception>
    public async Task<IReadOnlyList<AmiImage>> ListAsync(AmiQuery query, CancellationToken cancellationToken = default)
    {
        var search = await SearchAsync(query, cancellationToken).ConfigureAwait(false);
        return search.Matches;
    }

    private async Task<Search> SearchAsync(AmiQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.FindProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(query));
        }

        // Snapshot the mutable query so a caller changing it mid-flight cannot mix two queries.
        var description = query.ToString();
        var imageId = query.ImageId;
        var versionChoice = VersionChoice.From(query);
        var includeDeprecated = imageId is not null || query.IncludeDeprecated;

        IReadOnlyList<XElement> items;
        try
        {
            items = await DescribeAllAsync(BaseParameters(query), paginate: imageId is null, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e) when (imageId is not null && e.ErrorCode is { } code && code.StartsWith("InvalidAMIID.", StringComparison.Ordinal))
        {
            throw new AmiNotFoundException(description, 0, "EC2: " + code + " " + e.ErrorMessage, e);
        }

        var now = _timeProvider.GetUtcNow();
        var search = new Search(description, items.Count);
        var matches = new List<AmiImage>();
        foreach (var item in items)
        {
            var image = ParseImage(item, now);
            if (image is null || !string.Equals(image.State, "available", StringComparison.Ordinal))
            {
                search.NotAvailable++;
            }
            else if (imageId is not null && !string.Equals(image.Id, imageId, StringComparison.Ordinal))
            {
                search.OtherVersion++;
            }
            else if (image.IsDeprecated && !includeDeprecated)
            {
                search.Deprecated++;
            }
            else if (!versionChoice.Accepts(image))
            {
                search.OtherVersion++;
            }
            else
            {
                matches.Add(image);
            }
        }

        search.Matches = matches
            .OrderByDescending(image => image.CreationDate ?? DateTimeOffset.MinValue)
            .ThenBy(image => image.Id, StringComparer.Ordinal)
            .ToArray();
        return search;
    }

    /// <summary>Owners, then filters (state first), then flags, in a fixed order so requests are reproducible.</summary>
    internal static QueryParameters BaseParameters(AmiQuery query)
    {
        var parameters = new QueryParameters();
        var filters = new List<(string Name, IEnumerable<string> Values)> { ("state", ["available"]) };
        if (query.ImageId is not null)
        {
            parameters.AddList("ImageId", [query.ImageId]);
            AddFilters(parameters, filters);

            // An explicit id is accepted even when deprecated: the caller asked for exactly that image.
            parameters.Add("IncludeDeprecated", true);
            return parameters;
        }

        parameters.AddList("Owner", query.Owners);
        if (query.NamePattern is not null)
        {
            filters.Add(("name", [query.NamePattern]));
        }

        foreach (var tag in query.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            filters.Add(("tag:" + tag.Key, [tag.Value]));
        }

        foreach (var filter in query.Filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            filters.Add((filter.Key, filter.Value));
        }

        AddFilters(parameters, filters);

        // Sent either way, as the AWS SDKs do, so the request says what it means.
        parameters.Add("IncludeDeprecated", query.IncludeDeprecated);
        parameters.Add("MaxResults", PageSize);
        return parameters;
    }

    private static void AddFilters(QueryParameters parameters, List<(string Name, IEnumerable<string> Values)> filters)
    {
        for (var index = 1; index <= filters.Count; index++)
        {
            var prefix = QueryParameters.Indexed("Filter", index);
            parameters.Add(prefix + ".Name", filters[index - 1].Name);
            parameters.AddList(prefix + ".Value", filters[index - 1].Values);
        }
    }

    private async Task<IReadOnlyList<XElement>> DescribeAllAsync(QueryParameters baseParameters, bool paginate, CancellationToken cancellationToken)
    {
        var items = new List<XElement>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var parameters = new QueryParameters().AddRange(baseParameters.ToList());
            if (nextToken is not null)
            {
                parameters.Add("NextToken", nextToken);
            }

            var root = await _transport.SendAsync(AwsService.Ec2, Action, parameters.ToList(), isMutating: false, cancellationToken).ConfigureAwait(false);
            if (root.Name.LocalName != Action + "Response")
            {
                throw QueryXml.Malformed(AwsService.Ec2, Action, root, $"expected <{Action}Response>, got <{root.Name.LocalName}>");
            }

            items.AddRange(root.Items("imagesSet"));
            nextToken = paginate ? root.NonEmptyString("nextToken") ?? root.NonEmptyString("NextToken") : null;
            if (nextToken is not null && !seenTokens.Add(nextToken))
            {
                throw QueryXml.Malformed(AwsService.Ec2, Action, root, "EC2 returned the same NextToken twice");
            }
        }
        while (nextToken is not null);

        return items;
    }

    /// <summary>Reads one <c>imagesSet/item</c>; null when it has no image id.</summary>
    internal static AmiImage? ParseImage(XElement item, DateTimeOffset now)
    {
        var id = item.NonEmptyString("imageId");
        if (id is null)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in item.Items("tagSet"))
        {
            if (tag.String("key") is { } key)
            {
                tags[key] = tag.String("value") ?? string.Empty;
            }
        }

        var deprecationTime = item.Date("deprecationTime");
        return new AmiImage(
            id,
            item.String("name"),
            item.Date("creationDate"),
            item.String("imageState"),
            deprecationTime is { } time && time <= now,
            deprecationTime,
            new ReadOnlyDictionary<string, string>(tags),
            item.String("architecture"),
            item.String("imageOwnerId"));
    }

    private sealed class VersionChoice
    {
        private readonly string? _tag;
        private readonly string? _exact;
        private readonly Regex? _pattern;

        private VersionChoice(string? tag, string? exact, Regex? pattern)
        {
            _tag = tag;
            _exact = exact;
            _pattern = pattern;
        }

        public static VersionChoice From(AmiQuery query) =>
            query.ImageId is not null
                ? new VersionChoice(null, null, null)
                : new VersionChoice(
                    query.VersionSource == AmiVersionSource.Tag ? query.VersionTag : null,
                    query.Version,
                    query.VersionPattern is null ? null : AmiQuery.CreateVersionRegex(query.VersionPattern));

        public bool Accepts(AmiImage image)
        {
            if (_exact is null && _pattern is null)
            {
                return true;
            }

            string? version;
            if (_tag is null)
            {
                version = image.Name;
            }
            else
            {
                version = image.Tags.TryGetValue(_tag, out var value) ? value : null;
            }

            if (version is null)
            {
                return false;
            }

            return _exact is not null ? string.Equals(version, _exact, StringComparison.Ordinal) : _pattern!.IsMatch(version);
        }
    }

    private sealed class Search(string queryDescription, int imagesSeen)
    {
        public string QueryDescription { get; } = queryDescription;

        public int ImagesSeen { get; } = imagesSeen;

        public int NotAvailable { get; set; }

        public int Deprecated { get; set; }

        public int OtherVersion { get; set; }

        public AmiImage[] Matches { get; set; } = [];

        public string RejectionSummary()
        {
            var parts = new List<string>();
            if (Deprecated > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Deprecated} deprecated"));
            }

            if (OtherVersion > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{OtherVersion} with another version"));
            }

            if (NotAvailable > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{NotAvailable} not available"));
            }

            return string.Join(", ", parts);
        }
    }
}
