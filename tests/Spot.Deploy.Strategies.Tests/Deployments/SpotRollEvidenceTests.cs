using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// A Spot roll belongs to a deployment only by evidence, a rollback converges from any interruption, and a group's
/// whole images list survives a deployment and its rollback.
/// </summary>
public sealed class SpotRollEvidenceTests : StrategyTestBase
{
    [Fact]
    public async Task Resume_AfterTheStartsAnswerWasNeverJournaled_DoesNotAdoptARollSomeoneElseStartedJustBefore()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var foreign = (await Spot.StartRollAsync(id, new RollRequest { BatchSizePercentage = 100, GracePeriod = 60 }))!.Id!;
        await Spot.StopRollAsync(id, foreign);
        var failing = new FailingNoteJournal(Journal, "rollsBefore");
        var services = new DeploymentServices(Spot, Aws, failing, Lock, Clock);
        var stop = new DeploymentOptions { OnFailure = FailurePolicy.Stop };

        var run = () => new SpotRollDeployment(services, RollRequest(), stop).RunAsync();
        var stopped = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        var resumed = await new DeploymentRecovery(Services).ResumeAsync(stopped.DeploymentId!);

        resumed.Status.Should().Be(DeploymentStatus.Succeeded);
        var record = await RecordAsync(resumed.DeploymentId);
        var ours = record.Entries.Single(e => e.Operation == "rollStarted").Data!["rollId"]!.GetValue<string>();
        ours.Should().NotBe(foreign, "the roll someone else started a moment before our intent is not evidence of ours");
        LiveImages(id).Should().OnlyContain(image => image == NewImage);
    }

    [Fact]
    public async Task Rollback_InterruptedInTheForwardRollAndAgainInTheRollBack_ConvergesOnThePreviousImage()
    {
        var id = SeedGroup("web", Cap(1, 4, 4));
        using var forwardCancel = new CancellationTokenSource();
        var forward = new Recorder { OnEvent = e => CancelOnceReplaced(e, forwardCancel) };

        var deploy = () => new SpotRollDeployment(Services, RollRequest(batch: 25)).RunAsync(forward, forwardCancel.Token);
        var canceled = (await deploy.Should().ThrowAsync<DeploymentCanceledException>()).Which;

        using var rollbackCancel = new CancellationTokenSource();
        var firstRollback = new Recorder { OnEvent = e => CancelOnceReplaced(e, rollbackCancel) };
        var interrupted = () => new DeploymentRecovery(Services).RollbackAsync(canceled.DeploymentId!, firstRollback, rollbackCancel.Token);
        await interrupted.Should().ThrowAsync<DeploymentCanceledException>();
        firstRollback.Of<RollProgressEvent>().Should().NotBeEmpty("the interruption came inside the roll back");

        var result = await new DeploymentRecovery(Services).RollbackAsync(canceled.DeploymentId!);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        ((string?)State.GetGroup(id)!["compute"]!["launchSpecification"]!["imageId"]).Should().Be(OldImage);
        LiveImages(id).Should().HaveCount(4).And.OnlyContain(image => image == OldImage);
        var record = await RecordAsync(canceled.DeploymentId!);
        record.Entries.Where(e => e.Operation == "rollStarted").Select(e => e.Data!["rollId"]!.GetValue<string>()).Distinct()
            .Should().HaveCount(3, "the forward roll, the interrupted roll back, and a new roll back — never the stopped one followed again");
    }

    [Fact]
    public async Task ImagesList_KeptWholeThroughTheDeploymentAndItsRollback()
    {
        var id = SeedGroupWithImages("web", Cap(1, 2, 2), OldImage, "ami-00000000000000ddd");
        State.MarkImageNeverHealthy(NewImage);
        var setImages = new List<string>();

        var run = () => new SpotRollDeployment(Services, RollRequest()).RunAsync(new Recorder
        {
            OnEvent = e =>
            {
                if (e is StepStartedEvent step && step.Description.StartsWith("set the image", StringComparison.Ordinal))
                {
                    setImages.Add(step.Description);
                }
            },
        });

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        State.GetGroup(id)!["compute"]!["launchSpecification"]!["images"]!.ToJsonString()
            .Should().Be($$"""[{"id":"{{OldImage}}"},{"id":"ami-00000000000000ddd"}]""");
        setImages.Should().Equal(
            $"set the images of web ({id}) from [{OldImage}, ami-00000000000000ddd] to [{NewImage}, ami-00000000000000ddd]",
            $"set the images of web ({id}) from [{NewImage}, ami-00000000000000ddd] to [{OldImage}, ami-00000000000000ddd]");
    }

    [Theory]
    [InlineData("elb")]
    [InlineData("HTTP")]
    [InlineData("")]
    public async Task HealthCheckTypeSpotDoesNotAccept_IsRefusedBeforeAnyChange(string healthCheckType)
    {
        SeedGroup("web", Cap(1, 2, 3));
        var request = RollRequest();
        request.HealthCheckType = healthCheckType;

        var run = () => new SpotRollDeployment(Services, request).RunAsync();

        (await run.Should().ThrowAsync<Planning.DeploymentValidationException>()).Which.Field.Should().Be("HealthCheckType");
        NoMutatingCall();
    }

    private static void CancelOnceReplaced(DeploymentEvent e, CancellationTokenSource cancellation)
    {
        if (e is RollProgressEvent { Percent: > 0 and < 100 })
        {
            cancellation.Cancel();
        }
    }

    /// <summary>A journal whose first note of one kind fails, as if the process died before writing it.</summary>
    private sealed class FailingNoteJournal(IDeploymentJournal inner, string operation) : IDeploymentJournal
    {
        private bool _failed;

        public Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default) => inner.CreateAsync(record, cancellationToken);

        public Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
        {
            if (!_failed && entry.Kind == JournalEntryKind.Note && entry.Operation == operation)
            {
                _failed = true;
                throw new IOException("The disk went away.");
            }

            return inner.AppendAsync(deploymentId, entry, cancellationToken);
        }

        public Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default) => inner.SetStatusAsync(deploymentId, status, cancellationToken);

        public Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default) => inner.LoadAsync(deploymentId, cancellationToken);

        public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);

        public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default) => inner.ListByAppAsync(appName, cancellationToken);
    }
}
