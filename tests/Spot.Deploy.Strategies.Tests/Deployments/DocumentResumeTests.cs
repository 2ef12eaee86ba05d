using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies.Tests.Faults;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// The journal keeps a document's sensitive values out, so a resume in a new process that has yet to create the group
/// needs the document again: with it the deployment completes, without it or with another one it is refused before
/// anything changes. Once the group exists no document is needed, and a rollback never needs it. The first process dies
/// at a journal write (<see cref="CrashingJournal"/>); the next one reads the same file journal.
/// </summary>
public sealed class DocumentResumeTests : StrategyTestBase
{
    private const string SdkDocument = "spot-fixtures/sdkpy-aws-group-create-request.json";

    // Write 1 is the note that stage 0 started, write 2 the create's intent, write 3 its result.
    private const int CreateIntent = 2;
    private const int CreateResult = 3;

    private const string Script = "#!/bin/bash\nexport API_PASSWORD='p4ss-Wq9#zK2v-only-in-user-data'\n/opt/app/start\n";

    private readonly TempDirectory _directory = new();
    private readonly List<TestProcess> _processes = [];

    public override async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _directory.Dispose();
        await base.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrashBeforeTheCreate_ResumeWithoutTheDocument_IsRefusedChangingNothing_ThenWithItCompletes(bool intentWritten)
    {
        var document = TestDocuments.Load(SdkDocument);
        var id = await CrashAtAsync(CanaryOf(document), CreateIntent, Mode(intentWritten));
        var recovery = NextProcess();
        var before = await SnapshotAsync(id);

        var withoutDocument = () => recovery.ResumeAsync(id);

        var refused = (await withoutDocument.Should().ThrowAsync<DeploymentDocumentException>()).Which;
        refused.IsDocumentMissing.Should().BeTrue();
        refused.DeploymentId.Should().Be(id);
        refused.GroupName.Should().Be("web__2");
        refused.Differences.Should().BeEmpty();
        refused.Message.Should().Contain("web__2").And.Contain("$.thirdPartiesIntegration.rancher.secretKey").And.Contain("Pass the Elastigroup document")
            .And.Contain("Nothing was changed").And.NotContain("SECRET").And.NotContain("TOKEN");
        (await SnapshotAsync(id)).Should().Equal(before, "a refused resume changes nothing");

        var result = await recovery.ResumeAsync(id, document);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupNames().Should().Equal("web__1", "web__2");
        var created = State.GetGroup(result.GroupId!)!;
        ((string?)created["thirdPartiesIntegration"]!["rancher"]!["secretKey"]).Should().Be("SECRET", "the rebuilt body is the exact one");
        ((string?)created["compute"]!["launchSpecification"]!["userData"]).Should().Be("IyEvYmluL2Jhc2gNCnRvdWNoIHRlc3Qiquwhq38");
        SensitiveInput.FindIn(_directory.Path, SensitiveInput.Of(document.Group).Needles(out _)).Should().BeEmpty();
    }

    [Fact]
    public async Task CrashBeforeTheCreate_ResumeWithADifferentDocument_IsRefusedNamingWhereItDiffers()
    {
        var document = TestDocuments.Load(SdkDocument);
        var id = await CrashAtAsync(CanaryOf(document), CreateIntent, CrashMode.AfterWrite);
        var recovery = NextProcess();
        var before = await SnapshotAsync(id);
        var other = document.Clone();
        other.Group["description"] = "Production";
        other.Group["thirdPartiesIntegration"]!["rancher"]!["secretKey"] = "ROTATED-SECRET";
        other.Group["thirdPartiesIntegration"]!.AsObject().Remove("opsWorks");
        other.Group["tags"] = new JsonArray();

        var resume = () => recovery.ResumeAsync(id, other);

        var refused = (await resume.Should().ThrowAsync<DeploymentDocumentException>()).Which;
        refused.IsDocumentMissing.Should().BeFalse();
        refused.Differences.Should().Equal(
            "$.description", "$.thirdPartiesIntegration.rancher.secretKey", "$.thirdPartiesIntegration.opsWorks", "$.tags");
        refused.Message.Should().Contain("is not the one it started with")
            .And.Contain("$.description (differs)")
            .And.Contain("$.thirdPartiesIntegration.rancher.secretKey (a value kept out of the journal differs)")
            .And.Contain("$.thirdPartiesIntegration.opsWorks (not in the given document)")
            .And.Contain("$.tags (not in the document the deployment started with)")
            .And.Contain("Nothing was changed")
            .And.NotContain("SECRET").And.NotContain("Production");
        (await SnapshotAsync(id)).Should().Equal(before);

        (await recovery.ResumeAsync(id, document)).Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task RequestUserData_IsKeptOut_AndAResumeNeedsTheSameUserData()
    {
        var document = TestDocuments.Load(SdkDocument);
        var request = CanaryOf(document);
        request.UserData = Script;
        var id = await CrashAtAsync(request, CreateIntent, CrashMode.BeforeWrite);
        var recovery = NextProcess();
        var before = await SnapshotAsync(id);

        var withoutUserData = () => recovery.ResumeAsync(id, document);
        var otherUserData = () => recovery.ResumeAsync(id, document, Script.Replace("start", "stop", StringComparison.Ordinal));

        (await withoutUserData.Should().ThrowAsync<DeploymentDocumentException>()).Which.Differences
            .Should().Equal("$.compute.launchSpecification.userData", "UserData");
        (await otherUserData.Should().ThrowAsync<DeploymentDocumentException>()).Which.Message
            .Should().Contain("UserData (differs)").And.NotContain("API_PASSWORD");
        (await SnapshotAsync(id)).Should().Equal(before);

        var result = await recovery.ResumeAsync(id, document, Script);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        ((string?)State.GetGroup(result.GroupId!)!["compute"]!["launchSpecification"]!["userData"]).Should().Be(Convert.ToBase64String(Encoding.UTF8.GetBytes(Script)));
        SensitiveInput.FindIn(_directory.Path, SensitiveInput.Of(document.Group).Needles(out _, plainUserData: Script)).Should().BeEmpty();
        string.Concat(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText))
            .Should().Contain("\"userDataDigest\"").And.Contain("\"redacted:sha256:");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrashAfterTheCreate_ResumeNeedsNoDocument(bool resultWritten)
    {
        var id = await CrashAtAsync(CanaryOf(TestDocuments.Load(SdkDocument)), CreateResult, Mode(resultWritten));
        State.Groups.Should().Contain(g => g.Name == "web__2", "the create happened before the process died");

        var result = await NextProcess().ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupNames().Should().Equal("web__1", "web__2");
    }

    [Theory]
    [InlineData(CreateIntent, false)]
    [InlineData(CreateIntent, true)]
    [InlineData(CreateResult, false)]
    public async Task Rollback_NeverNeedsTheDocument(int write, bool written)
    {
        SeedGroup("web__1", Cap(1, 1, 2));
        var before = GroupState();
        var id = await CrashAtAsync(CanaryOf(TestDocuments.Load(SdkDocument)), write, Mode(written), seed: false);

        var result = await NextProcess().RollbackAsync(id);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(before);
    }

    [Fact]
    public async Task BlueGreen_CrashBeforeTheCreate_ResumeRebuildsTheStageBody_WithTheDocument()
    {
        var document = TestDocuments.Load("documents/secrets-in-many-places.json");
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 1, 2), targetGroupArn: routes.Blue);
        var request = new BlueGreenDeploymentRequest { AppName = App, Document = document };
        request.UseImage(NewImage);
        request.LoadBalancers.Add(routes.LoadBalancerRoutes);
        var id = await CrashAtAsync(request, CreateIntent, CrashMode.AfterWrite, seed: false);
        var recovery = NextProcess();

        var withoutDocument = () => recovery.ResumeAsync(id);
        (await withoutDocument.Should().ThrowAsync<DeploymentDocumentException>()).Which.GroupName.Should().Be("web__STAGE");

        var result = await recovery.ResumeAsync(id, document);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var created = State.GetGroup(result.GroupId!)!;
        created["compute"]!["launchSpecification"]!["loadBalancersConfig"]!["loadBalancers"]!.ToJsonString()
            .Should().Contain(routes.Green, "the stage body's load balancers are rebuilt from the journaled stage target groups");
        ((string?)created["thirdPartiesIntegration"]!["chef"]!["pemKey"]).Should().StartWith("-----BEGIN RSA PRIVATE KEY-----");
        ForwardWeights(routes.Production).Should().Equal($"{routes.Green}=1");
        SensitiveInput.FindIn(_directory.Path, SensitiveInput.Of(document.Group).Needles(out _)).Should().BeEmpty();
    }

    [Fact]
    public async Task ADocumentWithNothingKeptOut_ResumesBeforeTheCreate_FromTheJournalAlone()
    {
        var document = TestDocuments.Load("spot-fixtures/sdkpy-beanstalk-import-response.json");
        var id = await CrashAtAsync(CanaryOf(document), CreateIntent, CrashMode.AfterWrite);

        var result = await NextProcess().ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    /// <summary>The process dies just after the write (it is journaled) or just before it.</summary>
    private static CrashMode Mode(bool written) => written ? CrashMode.AfterWrite : CrashMode.BeforeWrite;

    private static CanaryDeploymentRequest CanaryOf(ElastigroupDocument document)
    {
        var request = new CanaryDeploymentRequest { AppName = App, Document = document };
        request.UseImage(NewImage);
        request.AddPercentPhase(50).AddPercentPhase(100);
        return request;
    }

    /// <summary>Runs the deployment in a process that dies at the journal write <paramref name="write"/>; returns the deployment id.</summary>
    private async Task<string> CrashAtAsync(DeploymentRequest request, int write, CrashMode mode, bool seed = true)
    {
        if (seed)
        {
            SeedGroup("web__1", Cap(1, 1, 2));
        }

        CrashingJournal? journal = null;
        var first = Start(process => journal = new CrashingJournal(new FileDeploymentJournal(_directory.Path, Clock), write, mode, process.Kill));
        Deployment deployment = request switch
        {
            CanaryDeploymentRequest canary => new CanaryDeployment(first.Services, canary, ShortTimeouts()),
            BlueGreenDeploymentRequest blueGreen => new BlueGreenDeployment(first.Services, blueGreen, ShortTimeouts()),
            _ => throw new ArgumentException("canary or blue/green", nameof(request)),
        };

        var run = () => deployment.RunAsync();

        await run.Should().ThrowAsync<Exception>();
        journal!.CrashedAt.Should().Contain(write == CreateIntent ? "(Intent s1 Create)" : "(Result s1 Create Succeeded)");
        return journal.DeploymentId!;
    }

    /// <summary>The recovery of a new process over the same file journal.</summary>
    private DeploymentRecovery NextProcess() => new(Start(_ => new FileDeploymentJournal(_directory.Path, Clock)).Services);

    private TestProcess Start(Func<TestProcess, IDeploymentJournal> journal)
    {
        var process = new TestProcess(Emulator, Clock, journal);
        _processes.Add(process);
        return process;
    }

    /// <summary>What must not change: the groups, the journal record (status, entries), and the count of mutating calls.</summary>
    private async Task<IReadOnlyList<string>> SnapshotAsync(string id)
    {
        var record = (await new FileDeploymentJournal(_directory.Path, Clock).LoadAsync(id))!;
        return [.. GroupState(), $"status {record.Status}", $"entries {record.Entries.Count}", $"mutating calls {Emulator.Calls.Mutating.Count}"];
    }

    /// <summary>One process: its own connections (cut when it dies, so it sends nothing more), clients, app lock and journal.</summary>
    private sealed class TestProcess : IDisposable
    {
        private readonly RequestWatch _watch;
        private readonly HttpClient _http;
        private readonly ElastigroupClient _spot;
        private readonly AwsConnection _aws;

        public TestProcess(SpotDeployEmulator emulator, TimeProvider clock, Func<TestProcess, IDeploymentJournal> journal)
        {
            _watch = new RequestWatch(emulator) { InnerHandler = new SocketsHttpHandler() };
            _http = new HttpClient(_watch, disposeHandler: true);
            _spot = new ElastigroupClient(_http, new ElastigroupClientOptions
            {
                BaseAddress = emulator.SpotBaseAddress,
                Token = emulator.Options.SpotToken,
                AccountId = emulator.Options.AccountId,
                TimeProvider = clock,
                AttemptTimeout = TimeSpan.FromHours(1),
                RandomSeed = 7,
            });
            _aws = new AwsConnection(_http, new AwsConnectionOptions
            {
                Region = emulator.Options.Region,
                AccessKeyId = "AKIDTEST",
                SecretAccessKey = "secret",
                Ec2Endpoint = emulator.Ec2Endpoint,
                ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
                TimeProvider = clock,
                AttemptTimeout = TimeSpan.FromHours(1),
            });
            Services = new DeploymentServices(_spot, _aws, journal(this), new InProcessAppLock(clock), clock);
        }

        public DeploymentServices Services { get; }

        public void Kill() => _watch.Killed = true;

        public void Dispose()
        {
            _spot.Dispose();
            _aws.Dispose();
            _http.Dispose();
        }
    }
}
