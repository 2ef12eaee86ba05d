using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Xunit.Abstractions;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// Spot group documents carry third-party credentials. Every group document of the repository's test data deploys with
/// Basic, Canary and Blue/Green against a file journal, the group is created with the exact values, and the journal
/// files hold none of the sensitive values, only their digest markers (docs/journal-and-lock.md, "Secrets").
/// </summary>
public sealed class DocumentSecretsTests(ITestOutputHelper output) : StrategyTestBase
{
    public static TheoryData<string, string> DocumentsAndStrategies()
    {
        var data = new TheoryData<string, string>();
        foreach (var document in TestDocuments.Names)
        {
            foreach (var strategy in new[] { "basic", "canary", "bluegreen" })
            {
                data.Add(document, strategy);
            }
        }

        return data;
    }

    [Fact]
    public void EveryGroupDocumentOfTheTestData_IsInTheMatrix()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "spot-fixtures");
        var groups = Directory.EnumerateFiles(folder, "*.json").Where(TestDocuments.IsGroupDocument).Select(f => "spot-fixtures/" + Path.GetFileName(f));

        TestDocuments.Names.Should().Contain(groups);
        File.Exists(Path.Combine(folder, "NOTICE.md")).Should().BeTrue("the SDK's fixtures travel with their notice and licence");
    }

    [Theory]
    [MemberData(nameof(DocumentsAndStrategies))]
    public async Task Document_Deploys_AndTheJournalFilesHoldNoneOfItsSensitiveValues(string name, string strategy)
    {
        var document = TestDocuments.Load(name);
        var input = SensitiveInput.Of(document.Group);
        using var directory = new TempDirectory();
        var services = new DeploymentServices(Spot, Aws, new FileDeploymentJournal(directory.Path, Clock), Lock, Clock);

        var result = await Deployment(services, strategy, document).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var created = State.GetGroup(result.GroupId!)!;
        foreach (var value in input.Values)
        {
            JsonNode.DeepEquals(SensitiveInput.At(created, value.Segments), value.Value).Should().BeTrue($"the group is created with the exact {value.Path}");
        }

        var needles = input.Needles(out var skipped);
        SensitiveInput.FindIn(directory.Path, needles).Should().BeEmpty();
        var journal = string.Concat(Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var value in input.Values)
        {
            journal.Should().Contain($"\"{value.ExpectedMarker}\"", $"{value.Path} is journaled as its digest");
        }

        journal.Should().MatchRegex("\"bodyDigest\": ?\"sha256:[0-9a-f]{64}\"");
        output.WriteLine($"{name} {strategy}: {input.Values.Count} sensitive values, {needles.Count} forms scanned, {skipped.Count} also in the clear (marker checked only): {string.Join(", ", skipped)}");
    }

    [Fact]
    public async Task Plan_ListsEveryPathKeptOutOfTheJournal_AllAtOnce()
    {
        SeedGroup("web__1", Cap(1, 1, 2));

        var sdk = await new CanaryDeployment(Services, Request(new CanaryDeploymentRequest(), "spot-fixtures/sdkpy-aws-group-create-request.json", 100)).PlanAsync();
        var ours = await new BasicDeployment(Services, Request(new BasicDeploymentRequest(), "documents/secrets-in-many-places.json")).PlanAsync();
        var envelope = await new BasicDeployment(Services, Request(new BasicDeploymentRequest(), "spot-fixtures/sdkpy-group-response-envelope.json")).PlanAsync();
        var beanstalk = await new BasicDeployment(Services, Request(new BasicDeploymentRequest(), "spot-fixtures/sdkpy-beanstalk-import-response.json")).PlanAsync();

        sdk.KeptOutOfJournal.Should().Equal(
            "$.compute.launchSpecification.userData",
            "$.thirdPartiesIntegration.rancher.accessKey",
            "$.thirdPartiesIntegration.rancher.secretKey",
            "$.thirdPartiesIntegration.nomad.aclToken",
            "$.thirdPartiesIntegration.chef.pemKey",
            "$.thirdPartiesIntegration.rightScale.refreshToken");
        ours.KeptOutOfJournal.Should().Equal(
            "$.compute.launchSpecification.userData",
            "$.compute.launchSpecification.metadataOptions.httpTokens",
            "$.thirdPartiesIntegration.chef.pemKey",
            "$.thirdPartiesIntegration.gitlab.runner.bootstrap",
            "$.thirdPartiesIntegration.docker.registries[1]",
            "$.thirdPartiesIntegration.datadog.credentials");
        envelope.KeptOutOfJournal.Should().Equal("$.compute.launchSpecification.userData");
        beanstalk.KeptOutOfJournal.Should().BeEmpty();
        sdk.ToString().Should().Contain("Kept out of the journal (6; journaled as their SHA-256 digests):")
            .And.Contain("   $.thirdPartiesIntegration.rancher.secretKey").And.NotContain("SECRET");
        NoMutatingCall();
    }

    [Fact]
    public async Task Plan_OfASpotRoll_KeepsNothingOut()
    {
        var id = SeedGroup("web", Cap(1, 1, 2));

        var preview = await new SpotRollDeployment(Services, RollRequest(id)).PlanAsync();

        preview.KeptOutOfJournal.Should().BeEmpty();
        preview.ToString().Should().NotContain("Kept out of the journal");
    }

    private Deployment Deployment(DeploymentServices services, string strategy, ElastigroupDocument document)
    {
        switch (strategy)
        {
            case "basic":
                SeedGroup("web__1", Cap(1, 1, 2));
                return new BasicDeployment(services, Fill(new BasicDeploymentRequest(), document), ShortTimeouts());
            case "canary":
                SeedGroup("web__1", Cap(1, 1, 2));
                var canary = Fill(new CanaryDeploymentRequest(), document);
                canary.AddPercentPhase(50).AddPercentPhase(100);
                return new CanaryDeployment(services, canary, ShortTimeouts());
            default:
                var routes = SeedRoutes();
                SeedGroup("web", Cap(1, 1, 2), targetGroupArn: routes.Blue);
                var blueGreen = Fill(new BlueGreenDeploymentRequest(), document);
                blueGreen.LoadBalancers.Add(routes.LoadBalancerRoutes);
                return new BlueGreenDeployment(services, blueGreen, ShortTimeouts());
        }
    }

    private static T Request<T>(T request, string document, params int[] percents) where T : DeploymentRequest
    {
        Fill(request, TestDocuments.Load(document));
        if (request is CanaryDeploymentRequest canary)
        {
            foreach (var percent in percents)
            {
                canary.AddPercentPhase(percent);
            }
        }

        return request;
    }

    private static T Fill<T>(T request, ElastigroupDocument document) where T : DeploymentRequest
    {
        request.AppName = App;
        request.Document = document;
        request.UseImage(NewImage);
        return request;
    }
}
