using System.Globalization;
using System.Net;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>EC2 DescribeImages of the emulator, driven by the real <see cref="AmiResolver"/> and by raw signed calls.</summary>
public sealed class DescribeImagesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private AwsHarness _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsHarness.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private static AmiQuery Query(string? namePattern = null, params string[] owners)
    {
        var query = new AmiQuery { NamePattern = namePattern };
        foreach (var owner in owners.Length == 0 ? ["self"] : owners)
        {
            query.Owners.Add(owner);
        }

        return query;
    }

    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) => tags.ToDictionary(t => t.Key, t => t.Value);

    [Fact]
    public async Task ResolveAsync_OwnerSelfAndNameWildcard_ReturnsNewestMatchingImage()
    {
        _aws.State.SeedImage("ami-00000001", "web-1.0.0", Day);
        _aws.State.SeedImage("ami-00000002", "web-1.1.0", Day.AddDays(2));
        _aws.State.SeedImage("ami-00000003", "api-9.9.9", Day.AddDays(5));
        _aws.State.SeedImage("ami-00000004", "web-2.0.0", Day.AddDays(9), ownerId: "210987654321");

        var image = await _aws.Aws.Images.ResolveAsync(Query("web-*"));

        image.Id.Should().Be("ami-00000002", "api-* does not match the name and ami-00000004 belongs to another account");
        image.Name.Should().Be("web-1.1.0");
        image.CreationDate.Should().Be(Day.AddDays(2));
        image.OwnerId.Should().Be(AwsHarness.Account);
        image.State.Should().Be("available");
        image.Architecture.Should().Be("x86_64");
    }

    [Fact]
    public async Task ListAsync_QuestionMarkWildcard_MatchesExactlyOneCharacter()
    {
        _aws.State.SeedImage("ami-00000001", "web-1", Day);
        _aws.State.SeedImage("ami-00000002", "web-12", Day);
        _aws.State.SeedImage("ami-00000003", "web-*", Day);

        var images = await _aws.Aws.Images.ListAsync(Query("web-?"));
        var escaped = await _aws.Aws.Images.ListAsync(Query("web-\\*"));

        images.Select(i => i.Id).Should().BeEquivalentTo(["ami-00000001", "ami-00000003"]);
        escaped.Select(i => i.Id).Should().Equal("ami-00000003");
    }

    [Fact]
    public async Task ListAsync_OwnerAmazon_FindsOnlyAmazonImagesWithTheirAlias()
    {
        _aws.State.SeedImage("ami-00000001", "al2023-ami-2026.1", Day, ownerId: "amazon");
        _aws.State.SeedImage("ami-00000002", "al2023-ami-2026.2", Day.AddDays(1), ownerId: EmulatorState.AmazonOwnerId);
        _aws.State.SeedImage("ami-00000003", "al2023-ami-mine", Day.AddDays(2));

        var images = await _aws.Aws.Images.ListAsync(Query("al2023-*", "amazon"));
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "amazon"), ("ImageId.1", "ami-00000001"));

        images.Select(i => i.Id).Should().Equal("ami-00000002", "ami-00000001");
        images.Should().OnlyContain(i => i.OwnerId == EmulatorState.AmazonOwnerId);
        raw.First("imageOwnerAlias").Should().Be("amazon");
        raw.First("isPublic").Should().Be("true");
        raw.First("imageLocation").Should().Be("amazon/al2023-ami-2026.1");
    }

    [Fact]
    public async Task ListAsync_SeveralOwners_UnionOfTheirImages()
    {
        _aws.State.SeedImage("ami-00000001", "base", Day, ownerId: "amazon");
        _aws.State.SeedImage("ami-00000002", "base", Day);
        _aws.State.SeedImage("ami-00000003", "base", Day, ownerId: "210987654321");

        var images = await _aws.Aws.Images.ListAsync(Query("base", "self", "210987654321"));

        images.Select(i => i.Id).Should().BeEquivalentTo(["ami-00000002", "ami-00000003"]);
    }

    [Fact]
    public async Task ListAsync_TagFilters_MatchKeyAndWildcardValue()
    {
        _aws.State.SeedImage("ami-00000001", "web-a", Day, Tags(("App", "web"), ("Version", "1.2.3")));
        _aws.State.SeedImage("ami-00000002", "web-b", Day.AddDays(1), Tags(("App", "web"), ("Version", "2.0.0")));
        _aws.State.SeedImage("ami-00000003", "web-c", Day.AddDays(2), Tags(("App", "api"), ("Version", "1.9.0")));
        _aws.State.SeedImage("ami-00000004", "web-d", Day.AddDays(3), Tags(("app", "web")));
        var query = Query();
        query.Tags["App"] = "web";
        query.Tags["Version"] = "1.*";

        var images = await _aws.Aws.Images.ListAsync(query);

        images.Select(i => i.Id).Should().Equal("ami-00000001");
        images[0].Tags.Should().BeEquivalentTo(Tags(("App", "web"), ("Version", "1.2.3")));
    }

    [Fact]
    public async Task ListAsync_TagKeyAndArchitectureFilters_Apply()
    {
        _aws.State.SeedImage("ami-00000001", "x", Day, Tags(("Release", "yes")));
        _aws.State.SeedImage("ami-00000002", "y", Day, Tags(("Release", "no")), architecture: "arm64");
        _aws.State.SeedImage("ami-00000003", "z", Day, architecture: "arm64");
        var byKey = Query();
        byKey.Filters["tag-key"] = ["Release"];
        var byArchitecture = Query();
        byArchitecture.Filters["architecture"] = ["arm64"];
        var byId = Query();
        byId.Filters["image-id"] = ["ami-0000000?"];
        byId.Filters["owner-id"] = [AwsHarness.Account];

        (await _aws.Aws.Images.ListAsync(byKey)).Select(i => i.Id).Should().BeEquivalentTo(["ami-00000001", "ami-00000002"]);
        (await _aws.Aws.Images.ListAsync(byArchitecture)).Select(i => i.Id).Should().BeEquivalentTo(["ami-00000002", "ami-00000003"]);
        (await _aws.Aws.Images.ListAsync(byId)).Should().HaveCount(3);
    }

    [Fact]
    public async Task ResolveAsync_VersionPatternFromTag_ChoosesNewestMatchingVersion()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day, Tags(("Version", "1.4.0")));
        _aws.State.SeedImage("ami-00000002", "web", Day.AddDays(1), Tags(("Version", "1.5.0-rc1")));
        _aws.State.SeedImage("ami-00000003", "web", Day.AddDays(2), Tags(("Version", "2.0.0")));
        var query = Query("web");
        query.VersionSource = AmiVersionSource.Tag;
        query.VersionTag = "Version";
        query.VersionPattern = @"^1\.\d+\.\d+$";

        var image = await _aws.Aws.Images.ResolveAsync(query);

        image.Id.Should().Be("ami-00000001");
    }

    [Fact]
    public async Task ResolveAsync_ExactVersionInName_FindsIt()
    {
        _aws.State.SeedImage("ami-00000001", "web-1.0.0", Day.AddDays(3));
        _aws.State.SeedImage("ami-00000002", "web-1.1.0", Day);

        var query = Query("web-*");
        query.Version = "web-1.1.0";

        (await _aws.Aws.Images.ResolveAsync(query)).Id.Should().Be("ami-00000002");
    }

    [Fact]
    public async Task ListAsync_PendingImage_NeverChosen()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day);
        _aws.State.SeedImage("ami-00000002", "web", Day.AddDays(1), state: "pending");

        var images = await _aws.Aws.Images.ListAsync(Query("web"));

        images.Select(i => i.Id).Should().Equal("ami-00000001");
    }

    [Fact]
    public async Task DescribeImages_OthersDeprecatedImages_ExcludedUnlessIncludeDeprecated()
    {
        _aws.State.SeedImage("ami-00000001", "base", Day, ownerId: "amazon", deprecationTime: Day.AddDays(1));
        _aws.State.SeedImage("ami-00000002", "base", Day, ownerId: "amazon");

        var without = await _aws.Ec2Async("DescribeImages", ("Owner.1", "amazon"), ("IncludeDeprecated", "false"));
        var with = await _aws.Ec2Async("DescribeImages", ("Owner.1", "amazon"), ("IncludeDeprecated", "true"));
        var byDefault = await _aws.Ec2Async("DescribeImages", ("Owner.1", "amazon"));

        without.All("imageId").Select(e => e.Value).Should().Equal("ami-00000002");
        byDefault.All("imageId").Select(e => e.Value).Should().Equal("ami-00000002");
        with.All("imageId").Select(e => e.Value).Should().Equal("ami-00000001", "ami-00000002");
        with.First("deprecationTime").Should().Be("2026-11-02T10:00:00.000Z");
    }

    [Fact]
    public async Task DescribeImages_OwnDeprecatedImages_ReturnedRegardlessAsTheModelSays()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day, deprecationTime: Day.AddDays(1));

        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("IncludeDeprecated", "false"));

        raw.All("imageId").Select(e => e.Value).Should().Equal("ami-00000001");
    }

    [Fact]
    public async Task ResolveAsync_OwnImageDeprecated_SkippedByTheResolverUnlessIncluded()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day);
        _aws.State.SeedImage("ami-00000002", "web", Day.AddDays(1), deprecationTime: Day.AddDays(2));
        var included = Query("web");
        included.IncludeDeprecated = true;

        (await _aws.Aws.Images.ResolveAsync(Query("web"))).Id.Should().Be("ami-00000001");
        var newest = await _aws.Aws.Images.ResolveAsync(included);
        newest.Id.Should().Be("ami-00000002");
        newest.IsDeprecated.Should().BeTrue();
    }

    [Fact]
    public async Task ResolveAsync_DeprecationTimeInTheFuture_DeprecatedOnlyOnceTheClockPassesIt()
    {
        _aws.State.SeedImage("ami-00000001", "base-old", Day, ownerId: "amazon");
        _aws.State.SeedImage("ami-00000002", "base-new", Day.AddDays(1), ownerId: "amazon", deprecationTime: _aws.Clock.GetUtcNow().AddHours(1));
        var query = Query("base-*", "amazon");

        var before = await _aws.Aws.Images.ResolveAsync(query);
        _aws.Clock.Advance(TimeSpan.FromHours(1));
        var after = await _aws.Aws.Images.ResolveAsync(query);

        before.Id.Should().Be("ami-00000002");
        after.Id.Should().Be("ami-00000001");
    }

    [Fact]
    public async Task ListAsync_MoreThanOnePageOfImages_ReadsEveryPage()
    {
        for (var i = 0; i < 2345; i++)
        {
            _aws.State.SeedImage(string.Create(CultureInfo.InvariantCulture, $"ami-{i:x8}"), string.Create(CultureInfo.InvariantCulture, $"web-{i}"), Day.AddMinutes(i));
        }

        _aws.Emulator.Calls.Clear();

        var images = await _aws.Aws.Images.ListAsync(Query("web-*"));

        images.Should().HaveCount(2345);
        images.Select(i => i.Id).Should().OnlyHaveUniqueItems();
        images[0].Id.Should().Be("ami-00000928", "the newest image comes first");
        _aws.Emulator.Calls.All.Where(c => c.Action == "DescribeImages").Should().HaveCount(3, "1000 + 1000 + 345");
    }

    [Fact]
    public async Task DescribeImages_MaxResultsAndNextToken_PagesWithoutOverlap()
    {
        for (var i = 1; i <= 12; i++)
        {
            _aws.State.SeedImage(string.Create(CultureInfo.InvariantCulture, $"ami-{i:x8}"), "x", Day);
        }

        var first = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("MaxResults", "5"));
        var second = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("MaxResults", "5"), ("NextToken", first.First("nextToken")!));
        var third = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("MaxResults", "5"), ("NextToken", second.First("nextToken")!));

        var ids = first.All("imageId").Concat(second.All("imageId")).Concat(third.All("imageId")).Select(e => e.Value).ToList();
        ids.Should().HaveCount(12).And.OnlyHaveUniqueItems();
        third.First("nextToken").Should().BeNull();
    }

    [Theory]
    [InlineData("4")]
    [InlineData("1001")]
    [InlineData("many")]
    public async Task DescribeImages_MaxResultsOutOfRange_InvalidParameterValue(string maxResults)
    {
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("MaxResults", maxResults));

        raw.Status.Should().Be(HttpStatusCode.BadRequest);
        raw.ErrorCode.Should().Be("InvalidParameterValue");
    }

    [Fact]
    public async Task DescribeImages_ForgedNextToken_InvalidPaginationToken()
    {
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("MaxResults", "5"), ("NextToken", "not-a-token"));

        raw.Status.Should().Be(HttpStatusCode.BadRequest);
        raw.ErrorCode.Should().Be("InvalidPaginationToken");
    }

    [Fact]
    public async Task DescribeImages_UnknownFilter_InvalidParameterValue()
    {
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("Filter.1.Name", "colour"), ("Filter.1.Value.1", "blue"));

        raw.Status.Should().Be(HttpStatusCode.BadRequest);
        raw.ErrorCode.Should().Be("InvalidParameterValue");
    }

    [Fact]
    public async Task DescribeImages_MalformedOwner_InvalidUserIdMalformed()
    {
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "slef"));

        raw.ErrorCode.Should().Be("InvalidUserID.Malformed");
    }

    [Fact]
    public async Task DescribeImages_DryRun_412DryRunOperation()
    {
        var raw = await _aws.Ec2Async("DescribeImages", ("Owner.1", "self"), ("DryRun", "true"));

        raw.Status.Should().Be(HttpStatusCode.PreconditionFailed);
        raw.ErrorCode.Should().Be("DryRunOperation");
    }

    [Fact]
    public async Task ResolveAsync_UnknownImageId_AmiNotFoundCarryingInvalidAmiIdNotFound()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day);

        var act = () => _aws.Aws.Images.ResolveAsync(new AmiQuery { ImageId = "ami-0000000f" });

        var thrown = await act.Should().ThrowAsync<AmiNotFoundException>();
        var inner = thrown.Which.InnerException.Should().BeOfType<AwsApiException>().Which;
        inner.ErrorCode.Should().Be("InvalidAMIID.NotFound");
        inner.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        inner.ErrorMessage.Should().Contain("ami-0000000f");
        inner.RequestId.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("ami-xyz")]
    [InlineData("ami-0000000G")]
    [InlineData("i-00000001")]
    public async Task ResolveAsync_MalformedImageId_AmiNotFoundCarryingInvalidAmiIdMalformed(string imageId)
    {
        var act = () => _aws.Aws.Images.ResolveAsync(new AmiQuery { ImageId = imageId });

        var thrown = await act.Should().ThrowAsync<AmiNotFoundException>();
        thrown.Which.InnerException.Should().BeOfType<AwsApiException>().Which.ErrorCode.Should().Be("InvalidAMIID.Malformed");
    }

    [Fact]
    public async Task ResolveAsync_ExactImageId_FindsItWithoutOwners()
    {
        _aws.State.SeedImage("ami-0123456789abcdef0", "web", Day, ownerId: "210987654321", deprecationTime: Day);

        var image = await _aws.Aws.Images.ResolveAsync(new AmiQuery { ImageId = "ami-0123456789abcdef0" });

        image.Id.Should().Be("ami-0123456789abcdef0");
        image.IsDeprecated.Should().BeTrue();
    }

    [Fact]
    public async Task DescribeImages_Call_LoggedWithActionAndNotMutating()
    {
        _aws.State.SeedImage("ami-00000001", "web", Day);

        await _aws.Aws.Images.ListAsync(Query("web"));

        var call = _aws.Emulator.Calls.All.Should().ContainSingle().Which;
        call.Service.Should().Be("ec2");
        call.Action.Should().Be("DescribeImages");
        call.IsMutating.Should().BeFalse();
        call.Status.Should().Be(200);
    }

    [Fact]
    public async Task DescribeImages_UnknownAction_InvalidAction()
    {
        var raw = await _aws.Ec2Async("RunInstances", ("ImageId", "ami-00000001"));

        raw.Status.Should().Be(HttpStatusCode.BadRequest);
        raw.ErrorCode.Should().Be("InvalidAction");
    }
}
