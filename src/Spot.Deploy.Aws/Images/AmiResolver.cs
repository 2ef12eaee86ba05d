using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;

namespace Spot.Deploy.Aws;

/// <summary>
/// Finds the AMI to deploy with EC2 <c>DescribeImages</c> (all pages) through the AWS SDK for .NET's
/// <see cref="IAmazonEC2"/>, then applies what EC2 cannot filter: deprecation as of now, the version choice, and
/// newest-first ordering. An <see cref="AmiQuery.Parameter"/> is read first through
/// <see cref="IAmazonSimpleSystemsManagement"/>.
/// </summary>
/// <remarks>
/// Substitutable in tests, as the Azure SDK's clients are: the methods are virtual and a protected constructor
/// needs no clients, so a mocking library (or a subclass) can stand in for the resolver.
/// </remarks>
public class AmiResolver
{
    /// <summary>EC2's largest page for DescribeImages.</summary>
    internal const int PageSize = 1000;

    private const string Action = "DescribeImages";

    private readonly IAmazonEC2? _ec2;
    private readonly IAmazonSimpleSystemsManagement? _ssm;
    private readonly TimeProvider _timeProvider;
    private readonly AwsSdkRetry _ec2Retry = AwsSdkRetry.None;
    private readonly AwsSdkRetry _ssmRetry = AwsSdkRetry.None;

    /// <summary>Creates a resolver over the user's (or the connection's) AWS SDK clients.</summary>
    /// <param name="ec2">The EC2 client, e.g. the <see cref="IAmazonEC2"/> registered by <c>AddAWSService&lt;IAmazonEC2&gt;()</c>.</param>
    /// <param name="systemsManagement">The SSM client for <see cref="AmiQuery.Parameter"/>; null when parameters are not used.</param>
    /// <param name="timeProvider">The clock deprecation is judged by; null for the system clock.</param>
    public AmiResolver(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement? systemsManagement = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        _ec2 = ec2;
        _ssm = systemsManagement;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Over clients an <see cref="AwsConnection"/> built with the SDK's retries off: retried by the given policies instead.</summary>
    internal AmiResolver(IAmazonEC2 ec2, AwsSdkRetry ec2Retry, IAmazonSimpleSystemsManagement? systemsManagement, AwsSdkRetry ssmRetry, TimeProvider timeProvider)
        : this(ec2, systemsManagement, timeProvider)
    {
        _ec2Retry = ec2Retry;
        _ssmRetry = ssmRetry;
    }

    /// <summary>For substitutes in tests (mocking libraries, subclasses): override the methods you call.</summary>
    protected AmiResolver()
    {
        _timeProvider = TimeProvider.System;
    }

    /// <summary>
    /// The newest available image matching <paramref name="query"/> (ties on creation date: lowest image
    /// id, ordinal). <c>POST / Action=DescribeImages</c> (EC2), every page; SSM <c>GetParameter</c> first for a parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The query is invalid (checked before any call).</exception>
    /// <exception cref="AmiNotFoundException">No image matches (<see cref="AmiParameterException"/>: the parameter gives no AMI id).</exception>
    /// <exception cref="AwsApiException">EC2 or SSM refused the call.</exception>
    public virtual async Task<AmiImage> ResolveAsync(AmiQuery query, CancellationToken cancellationToken = default)
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
    /// <c>POST / Action=DescribeImages</c> (EC2), every page; SSM <c>GetParameter</c> first for a parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The query is invalid (checked before any call).</exception>
    /// <exception cref="AmiParameterException">The parameter gives no AMI id.</exception>
    /// <exception cref="AwsApiException">EC2 or SSM refused the call.</exception>
    public virtual async Task<IReadOnlyList<AmiImage>> ListAsync(AmiQuery query, CancellationToken cancellationToken = default)
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

        var ec2 = _ec2 ?? throw new InvalidOperationException("This AmiResolver was made for a substitute: override ResolveAsync and ListAsync.");

        // Snapshot the mutable query so a caller changing it mid-flight cannot mix two queries.
        var description = query.ToString();
        var imageId = query.ImageId;
        var versionChoice = VersionChoice.From(query);
        var includeDeprecated = imageId is not null || query.IncludeDeprecated;
        if (query.Parameter is { } parameter)
        {
            var ssm = _ssm ?? throw new InvalidOperationException("AmiQuery.Parameter is read through SSM: create the AmiResolver with an IAmazonSimpleSystemsManagement.");
            imageId = await AmiParameters.ReadImageIdAsync(ssm, _ssmRetry, parameter, cancellationToken).ConfigureAwait(false);
            description = "image id " + imageId + " from SSM parameter " + parameter + ", state available";
            versionChoice = VersionChoice.Any;
            includeDeprecated = true;
        }

        IReadOnlyList<Image> images;
        try
        {
            images = await DescribeAllAsync(ec2, _ec2Retry, () => BuildRequest(query, imageId), paginate: imageId is null, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e) when (imageId is not null && e.ErrorCode is { } code && code.StartsWith("InvalidAMIID.", StringComparison.Ordinal))
        {
            throw new AmiNotFoundException(description, 0, "EC2: " + code + " " + e.ErrorMessage, e);
        }

        var now = _timeProvider.GetUtcNow();
        var search = new Search(description, images.Count);
        var matches = new List<AmiImage>();
        foreach (var item in images)
        {
            var image = ToAmiImage(item, now);
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

    /// <summary>
    /// The request of one page: owners, filters (state first, then name, tags and further filters by name) and flags, in
    /// a fixed order so requests are reproducible. With an image id: only that id, the state filter and IncludeDeprecated.
    /// </summary>
    internal static DescribeImagesRequest BuildRequest(AmiQuery query, string? imageId)
    {
        List<Filter> filters = [new Filter { Name = "state", Values = ["available"] }];
        if (imageId is not null)
        {
            // An explicit id is accepted even when deprecated: the caller asked for exactly that image.
            return new DescribeImagesRequest { ImageIds = [imageId], Filters = filters, IncludeDeprecated = true };
        }

        if (query.NamePattern is not null)
        {
            filters.Add(new Filter { Name = "name", Values = [query.NamePattern] });
        }

        foreach (var tag in query.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            filters.Add(new Filter { Name = "tag:" + tag.Key, Values = [tag.Value] });
        }

        foreach (var filter in query.Filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            filters.Add(new Filter { Name = filter.Key, Values = [.. filter.Value] });
        }

        // IncludeDeprecated is sent either way, so the request says what it means.
        return new DescribeImagesRequest
        {
            Owners = [.. query.Owners],
            Filters = filters,
            IncludeDeprecated = query.IncludeDeprecated,
            MaxResults = PageSize,
        };
    }

    private static async Task<IReadOnlyList<Image>> DescribeAllAsync(IAmazonEC2 ec2, AwsSdkRetry retry, Func<DescribeImagesRequest> newRequest, bool paginate, CancellationToken cancellationToken)
    {
        var images = new List<Image>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var request = newRequest();
            request.NextToken = nextToken;
            var response = await retry.RunAsync("ec2", Action, token => ec2.DescribeImagesAsync(request, token), cancellationToken).ConfigureAwait(false);
            images.AddRange(response.Images ?? []);
            nextToken = paginate && !string.IsNullOrEmpty(response.NextToken) ? response.NextToken : null;
            if (nextToken is not null && !seenTokens.Add(nextToken))
            {
                throw new AwsApiException(HttpStatusCode.OK, "MalformedResponse", "The answer could not be read: EC2 returned the same NextToken twice.",
                    response.ResponseMetadata?.RequestId, "ec2", Action);
            }
        }
        while (nextToken is not null);

        return images;
    }

    /// <summary>The fields a deployment needs of one SDK image; null when it has no image id.</summary>
    internal static AmiImage? ToAmiImage(Image item, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(item.ImageId))
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in item.Tags ?? [])
        {
            if (tag.Key is { } key)
            {
                tags[key] = tag.Value ?? string.Empty;
            }
        }

        var deprecationTime = ParseDate(item.DeprecationTime);
        return new AmiImage(
            item.ImageId,
            item.Name,
            ParseDate(item.CreationDate),
            item.State?.Value,
            deprecationTime is { } time && time <= now,
            deprecationTime,
            new ReadOnlyDictionary<string, string>(tags),
            item.Architecture?.Value,
            item.OwnerId);
    }

    private static DateTimeOffset? ParseDate(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

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

        public static VersionChoice Any { get; } = new(null, null, null);

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
