using System.Net;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Images;

public class AmiResolverTests
{
    // The fake clock reads 2026-11-21T12:00:00Z.
    private readonly VirtualClock _clock = new();
    private readonly FakeQueryTransport _transport = new();

    public AmiResolverTests()
    {
        _transport.Inspect = call =>
        {
            call.Service.Should().Be(AwsService.Ec2);
            call.IsMutating.Should().BeFalse();
            BotocoreModel.Ec2.Problems(call.Action, call.Parameters).Should().BeEmpty();
        };
    }

    private AmiResolver Resolver => new(FakeEc2.Over(_transport), timeProvider: _clock);

    private static AmiQuery Owned(Action<AmiQuery>? configure = null)
    {
        var query = new AmiQuery { Owners = ["self"], NamePattern = "web-*" };
        configure?.Invoke(query);
        return query;
    }

    [Fact]
    public async Task ResolveAsync_RealDescribeImagesSample_ReadsTheImage()
    {
        _transport.Respond("DescribeImages", TestData.Sample("ec2-DescribeImages-response.xml"));

        var image = await Resolver.ResolveAsync(new AmiQuery { Owners = ["amazon"] });

        image.Should().BeEquivalentTo(new
        {
            Id = "ami-1a2b3c4d",
            Name = "getting-started",
            State = "available",
            Architecture = "i386",
            OwnerId = "111122223333",
            IsDeprecated = false,
            CreationDate = (DateTimeOffset?)null,
            DeprecationTime = (DateTimeOffset?)null,
        });
        image.Tags.Should().BeEmpty();
    }

    [Fact]
    public async Task ResolveAsync_RealEc2ErrorSample_ThrowsAwsApiExceptionWithCodeAndRequestId()
    {
        _transport.ThrowError("DescribeImages", HttpStatusCode.BadRequest, TestData.Sample("ec2-error-response.xml"), AwsService.Ec2);

        var act = () => Resolver.ResolveAsync(Owned());

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ErrorCode.Should().Be("InvalidInstanceID.Malformed");
        error.ErrorMessage.Should().Be("Invalid id: \"foobar\"");
        error.RequestId.Should().Be("dfb14b43-9a55-4d8e-b676-e8034d12bbeb");
    }

    [Fact]
    public async Task ResolveAsync_OwnersNameTagsAndFilters_SdkSendsEc2ListsStateFirstAndMaxResults()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(Ec2Xml.Image("ami-1", "web-1", "2026-01-01T00:00:00.000Z")));
        var query = new AmiQuery
        {
            Owners = ["self", "111122223333"],
            NamePattern = "web-*",
            Tags = new Dictionary<string, string> { ["env"] = "prod", ["app"] = "web" },
            Filters = new Dictionary<string, IList<string>> { ["architecture"] = ["x86_64", "arm64"] },
        };

        await Resolver.ResolveAsync(query);

        // The order of the members is AWSSDK.EC2's; the order of the filters is ours (state first).
        _transport.Calls.Should().ContainSingle().Which.Parameters.Should().BeEquivalentTo([
            Pair("Owner.1", "self"),
            Pair("Owner.2", "111122223333"),
            Pair("Filter.1.Name", "state"),
            Pair("Filter.1.Value.1", "available"),
            Pair("Filter.2.Name", "name"),
            Pair("Filter.2.Value.1", "web-*"),
            Pair("Filter.3.Name", "tag:app"),
            Pair("Filter.3.Value.1", "web"),
            Pair("Filter.4.Name", "tag:env"),
            Pair("Filter.4.Value.1", "prod"),
            Pair("Filter.5.Name", "architecture"),
            Pair("Filter.5.Value.1", "x86_64"),
            Pair("Filter.5.Value.2", "arm64"),
            Pair("IncludeDeprecated", "false"),
            Pair("MaxResults", "1000"),
        ]);
    }

    [Fact]
    public async Task ResolveAsync_ImageId_SendsOnlyTheIdTheStateFilterAndIncludeDeprecated()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(Ec2Xml.Image("ami-0abc", "anything", "2020-01-01T00:00:00.000Z", deprecation: "2021-01-01T00:00:00.000Z")));
        var query = Owned(q =>
        {
            q.ImageId = "ami-0abc";
            q.Version = "does-not-matter";
        });

        var image = await Resolver.ResolveAsync(query);

        image.Id.Should().Be("ami-0abc");
        image.IsDeprecated.Should().BeTrue("an explicit id is accepted even when deprecated");
        _transport.Calls.Single().Parameters.Should().BeEquivalentTo([
            Pair("ImageId.1", "ami-0abc"),
            Pair("Filter.1.Name", "state"),
            Pair("Filter.1.Value.1", "available"),
            Pair("IncludeDeprecated", "true"),
        ]);
    }

    [Fact]
    public async Task ResolveAsync_ImageIdThatIsNotAvailable_ThrowsAmiNotFound()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page());

        var act = () => Resolver.ResolveAsync(new AmiQuery { ImageId = "ami-0abc" });

        (await act.Should().ThrowAsync<AmiNotFoundException>()).Which.Message.Should().Contain("image id ami-0abc").And.Contain("0 images seen");
    }

    [Fact]
    public async Task ResolveAsync_ImageIdRefusedByEc2_ThrowsAmiNotFoundWithTheEc2Error()
    {
        _transport.Throw("DescribeImages", new AwsApiException(HttpStatusCode.BadRequest, "InvalidAMIID.NotFound", "The image id '[ami-0abc]' does not exist", "req-1", "ec2", "DescribeImages"));

        var act = () => Resolver.ResolveAsync(new AmiQuery { ImageId = "ami-0abc" });

        var error = (await act.Should().ThrowAsync<AmiNotFoundException>()).Which;
        error.InnerException.Should().BeOfType<AwsApiException>();
        error.Message.Should().Contain("InvalidAMIID.NotFound");
    }

    [Fact]
    public async Task ResolveAsync_SeveralPages_ReadsEveryPageWithNextToken()
    {
        _transport.Respond("DescribeImages",
            Ec2Xml.Page([Ec2Xml.Image("ami-1", "web-1", "2026-01-01T00:00:00.000Z")], "token-1"),
            Ec2Xml.Page([Ec2Xml.Image("ami-3", "web-3", "2026-03-01T00:00:00.000Z")], "token-2"),
            Ec2Xml.Page([Ec2Xml.Image("ami-2", "web-2", "2026-02-01T00:00:00.000Z")]));

        var image = await Resolver.ResolveAsync(Owned());

        image.Id.Should().Be("ami-3", "the newest image was on the middle page");
        var calls = _transport.CallsTo("DescribeImages");
        calls.Should().HaveCount(3);
        calls[0]["NextToken"].Should().BeNull();
        calls[1]["NextToken"].Should().Be("token-1");
        calls[2]["NextToken"].Should().Be("token-2");
        calls.Should().OnlyContain(c => c["MaxResults"] == "1000" && c["Owner.1"] == "self");
    }

    [Fact]
    public async Task ResolveAsync_RepeatedNextToken_FailsInsteadOfLooping()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page([Ec2Xml.Image("ami-1", "web-1", "2026-01-01T00:00:00.000Z")], "same"));

        var act = () => Resolver.ResolveAsync(Owned());

        (await act.Should().ThrowAsync<AwsApiException>()).Which.Message.Should().Contain("same NextToken");
    }

    [Fact]
    public async Task ResolveAsync_NewestByCreationDate_TiesBrokenByLowestId()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-b", "web-b", "2026-05-01T10:00:00.000Z"),
            Ec2Xml.Image("ami-old", "web-old", "2025-05-01T10:00:00.000Z"),
            Ec2Xml.Image("ami-a", "web-a", "2026-05-01T10:00:00.000Z"),
            Ec2Xml.Image("ami-none", "web-none", null)));

        var image = await Resolver.ResolveAsync(Owned());
        var all = await Resolver.ListAsync(Owned());

        image.Id.Should().Be("ami-a");
        image.CreationDate.Should().Be(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        all.Select(i => i.Id).Should().Equal("ami-a", "ami-b", "ami-old", "ami-none");
    }

    [Fact]
    public async Task ResolveAsync_ExactVersionInName_PicksThatImageEvenWhenNotNewest()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-1", "web-1.2.0", "2026-01-01T00:00:00.000Z"),
            Ec2Xml.Image("ami-2", "web-1.3.0", "2026-02-01T00:00:00.000Z")));

        var image = await Resolver.ResolveAsync(Owned(q => q.Version = "web-1.2.0"));

        image.Id.Should().Be("ami-1");
    }

    [Fact]
    public async Task ResolveAsync_ExactVersionInTag_ComparesTheTagValue()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-1", "web-a", "2026-01-01T00:00:00.000Z", tags: ("Version", "1.2.0")),
            Ec2Xml.Image("ami-2", "web-b", "2026-02-01T00:00:00.000Z", tags: ("Version", "1.3.0")),
            Ec2Xml.Image("ami-3", "web-c", "2026-03-01T00:00:00.000Z", tags: ("version", "1.2.0"))));

        var image = await Resolver.ResolveAsync(Owned(q =>
        {
            q.VersionSource = AmiVersionSource.Tag;
            q.VersionTag = "Version";
            q.Version = "1.2.0";
        }));

        image.Id.Should().Be("ami-1", "tag keys are case-sensitive");
        image.Tags.Should().Contain("Version", "1.2.0");
    }

    [Fact]
    public async Task ResolveAsync_VersionPattern_PicksTheNewestMatchingImage()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-1", "web-1.2.0", "2026-01-01T00:00:00.000Z"),
            Ec2Xml.Image("ami-2", "web-1.2.7", "2026-02-01T00:00:00.000Z"),
            Ec2Xml.Image("ami-3", "web-1.3.0", "2026-03-01T00:00:00.000Z")));

        var image = await Resolver.ResolveAsync(Owned(q => q.VersionPattern = @"^web-1\.2\.\d+$"));

        image.Id.Should().Be("ami-2");
    }

    [Fact]
    public async Task ResolveAsync_InvalidVersionPattern_ThrowsBeforeAnyCall()
    {
        var act = () => Resolver.ResolveAsync(Owned(q => q.VersionPattern = "web-(1"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("VersionPattern");
        _transport.Calls.Should().BeEmpty();
    }

    public static TheoryData<string, Action<AmiQuery>> InvalidQueries => new()
    {
        { "Owners", q => q.Owners = [] },
        { "Owners", q => q.Owners = ["self", " "] },
        { "Version and AmiQuery.VersionPattern", q => { q.Version = "1"; q.VersionPattern = "1"; } },
        { "VersionTag is required", q => q.VersionSource = AmiVersionSource.Tag },
        { "VersionSource is Name", q => q.VersionTag = "Version" },
        { "'state'", q => q.Filters["state"] = ["pending"] },
        { "Filters['architecture']", q => q.Filters["architecture"] = [] },
        { "ImageId must not be empty", q => q.ImageId = " " },
    };

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task ResolveAsync_InvalidQuery_ThrowsArgumentExceptionBeforeAnyCall(string expectedInMessage, Action<AmiQuery> spoil)
    {
        var query = Owned();
        spoil(query);

        var act = () => Resolver.ResolveAsync(query);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(expectedInMessage);
        _transport.Calls.Should().BeEmpty();
        query.Invoking(q => q.Validate()).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task ResolveAsync_DeprecatedImages_ExcludedByDefault()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-new", "web-new", "2026-06-01T00:00:00.000Z", deprecation: "2026-11-21T11:59:00Z"),
            Ec2Xml.Image("ami-soon", "web-soon", "2026-05-01T00:00:00.000Z", deprecation: "2026-11-21T12:01:00Z"),
            Ec2Xml.Image("ami-old", "web-old", "2026-04-01T00:00:00.000Z")));

        var image = await Resolver.ResolveAsync(Owned());

        image.Id.Should().Be("ami-soon", "its deprecation time is still in the future");
        image.IsDeprecated.Should().BeFalse();
        _transport.Calls.Single()["IncludeDeprecated"].Should().Be("false");
    }

    [Fact]
    public async Task ResolveAsync_IncludeDeprecated_SendsTheFlagAndKeepsDeprecatedImages()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-new", "web-new", "2026-06-01T00:00:00.000Z", deprecation: "2026-01-01T00:00:00Z"),
            Ec2Xml.Image("ami-old", "web-old", "2026-04-01T00:00:00.000Z")));

        var image = await Resolver.ResolveAsync(Owned(q => q.IncludeDeprecated = true));

        image.Id.Should().Be("ami-new");
        image.IsDeprecated.Should().BeTrue();
        image.DeprecationTime.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _transport.Calls.Single()["IncludeDeprecated"].Should().Be("true");
    }

    [Fact]
    public async Task ResolveAsync_NothingMatches_MessageNamesTheWholeQueryAndTheCountSeen()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page(
            Ec2Xml.Image("ami-1", "web-1.0", "2026-01-01T00:00:00.000Z", deprecation: "2026-02-01T00:00:00Z"),
            Ec2Xml.Image("ami-2", "web-2.0", "2026-01-01T00:00:00.000Z"),
            Ec2Xml.Image("ami-3", "web-3.0", "2026-01-01T00:00:00.000Z", state: "pending")));
        var query = new AmiQuery
        {
            Owners = ["self", "111122223333"],
            NamePattern = "web-*",
            Tags = new Dictionary<string, string> { ["env"] = "prod" },
            VersionSource = AmiVersionSource.Name,
            VersionPattern = "^web-9",
        };

        var act = () => Resolver.ResolveAsync(query);

        var error = (await act.Should().ThrowAsync<AmiNotFoundException>()).Which;
        error.ImagesSeen.Should().Be(3);
        error.Message.Should().Be(
            "No AMI matches owners [self, 111122223333], name pattern 'web-*', tags {env=prod}, version matching /^web-9/ in the name, deprecated excluded: "
            + "3 images seen before filtering (1 deprecated, 1 with another version, 1 not available).");
    }

    [Fact]
    public async Task ListAsync_NothingMatches_ReturnsEmpty()
    {
        _transport.Respond("DescribeImages", Ec2Xml.Page());

        (await Resolver.ListAsync(Owned())).Should().BeEmpty();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ListAsync_RandomImages_AgreesWithAStraightforwardFilterAndSort(int seed)
    {
        var random = new Random(seed);
        var now = _clock.GetUtcNow();
        var images = Enumerable.Range(0, 60).Select(i =>
        {
            var created = now.AddDays(-random.Next(0, 20)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            var deprecation = random.Next(3) == 0 ? now.AddDays(random.Next(-5, 5)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : null;
            var version = "1." + random.Next(0, 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (Id: $"ami-{random.Next(0, 1000):D4}-{i:D2}", Created: created, Deprecation: deprecation, Version: version);
        }).ToList();
        var pages = images.Chunk(17).Select((chunk, index) => Ec2Xml.Page(
            chunk.Select(i => Ec2Xml.Image(i.Id, "web-" + i.Version, i.Created, deprecation: i.Deprecation, tags: ("Version", i.Version))),
            index < (images.Count - 1) / 17 ? "t" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)).ToArray();
        _transport.Respond("DescribeImages", pages);

        var listed = await Resolver.ListAsync(Owned(q =>
        {
            q.VersionSource = AmiVersionSource.Tag;
            q.VersionTag = "Version";
            q.VersionPattern = @"^1\.[12]$";
        }));

        var expected = images
            .Where(i => i.Deprecation is null || DateTimeOffset.Parse(i.Deprecation, System.Globalization.CultureInfo.InvariantCulture) > now)
            .Where(i => i.Version is "1.1" or "1.2")
            .OrderByDescending(i => DateTimeOffset.Parse(i.Created, System.Globalization.CultureInfo.InvariantCulture))
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => i.Id);
        listed.Select(i => i.Id).Should().Equal(expected, $"seed {seed}");
        _transport.CallsTo("DescribeImages").Should().HaveCount(pages.Length);
    }

    [Fact]
    public void ToString_DescribesTagVersionAndFilters()
    {
        var query = Owned(q =>
        {
            q.VersionSource = AmiVersionSource.Tag;
            q.VersionTag = "Version";
            q.Version = "1.2.0";
            q.IncludeDeprecated = true;
            q.Filters["architecture"] = ["arm64"];
        });

        query.ToString().Should().Be("owners [self], name pattern 'web-*', tags {}, filters {architecture=[arm64]}, version '1.2.0' in tag 'Version', deprecated included");
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
