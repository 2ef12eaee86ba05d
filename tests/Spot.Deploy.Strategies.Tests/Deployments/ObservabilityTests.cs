using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Metrics, traces, logs and events of deployments; secrets never reach logs or journals.</summary>
public sealed class ObservabilityTests : ControlFlowTestBase
{
    private const string SpotToken = "tok-7Hq2vX9pLm4R-observability";
    private const string AwsSecret = "awsSecret/9kT2mQ7wZ-observability";

    /// <summary>Marks this test's own async flow, so metrics recorded by tests running in parallel are ignored.</summary>
    private static readonly AsyncLocal<object?> Flow = new();

    private readonly object _flow = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly HttpClient _spotHttp = new();
    private readonly HttpClient _awsHttp = new();
    private ElastigroupClient _spot = null!;
    private AwsConnection _aws = null!;

    protected override EmulatorOptions EmulatorOptions()
    {
        var options = base.EmulatorOptions();
        options.SpotToken = SpotToken;
        return options;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // The clients log through the same capturing provider, so their call and retry logs are checked for secrets too.
        _spot = new ElastigroupClient(_spotHttp, new ElastigroupClientOptions
        {
            BaseAddress = Emulator.SpotBaseAddress,
            Token = Emulator.Options.SpotToken,
            AccountId = Emulator.Options.AccountId,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        }, _logs.CreateLogger("Spot.Deploy.Elastigroup"));
        _aws = new AwsConnection(_awsHttp, new AwsConnectionOptions
        {
            Region = Emulator.Options.Region,
            AccessKeyId = "AKIDOBSERVABILITY",
            SecretAccessKey = AwsSecret,
            Ec2Endpoint = Emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = Emulator.ElasticLoadBalancingEndpoint,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        }, _logs.CreateLogger("Spot.Deploy.Aws"));
    }

    public override async Task DisposeAsync()
    {
        _spot.Dispose();
        _aws.Dispose();
        _spotHttp.Dispose();
        _awsHttp.Dispose();
        await base.DisposeAsync();
    }

    private DeploymentServices Observed(IDeploymentJournal? journal = null) =>
        new(_spot, _aws, journal ?? Journal, Lock, Clock, new CapturingLoggerFactory(_logs));

    [Fact]
    public async Task Metrics_SucceededCanary_CountsTheDeploymentAndItsDuration()
    {
        SeedRunningRevision();
        using var metrics = new MetricsRecorder(_flow);

        var result = await new CanaryDeployment(Observed(), CanaryRequest(50, 100)).RunAsync();

        metrics.Of(StrategiesDiagnostics.DeploymentsMetric).Should().ContainSingle().Which.Should().Be(new Measurement(StrategiesDiagnostics.DeploymentsMetric, 1, "Canary", "succeeded"));
        var duration = metrics.Of(StrategiesDiagnostics.DurationMetric).Should().ContainSingle().Subject;
        (duration.Strategy, duration.Outcome).Should().Be(("Canary", "succeeded"));
        duration.Value.Should().Be(result.Elapsed.TotalSeconds).And.BeGreaterThanOrEqualTo(120, "two phases each wait for instances that are healthy 60 s after launch (virtual time)");
        metrics.Of(StrategiesDiagnostics.RollbacksMetric).Should().BeEmpty();
    }

    [Fact]
    public async Task Metrics_FailedAndRolledBack_CountsARollbackAndARolledBackDeployment()
    {
        SeedRunningRevision();
        State.MarkImageNeverHealthy(NewImage);
        using var metrics = new MetricsRecorder(_flow);
        var options = new DeploymentOptions { SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

        var run = () => RunBasicAsync(Observed(), options);

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        metrics.Of(StrategiesDiagnostics.RollbacksMetric).Should().Equal(new Measurement(StrategiesDiagnostics.RollbacksMetric, 1, "Basic", "succeeded"));
        metrics.Of(StrategiesDiagnostics.DeploymentsMetric).Should().Equal(new Measurement(StrategiesDiagnostics.DeploymentsMetric, 1, "Basic", "rolled_back"));
        metrics.Of(StrategiesDiagnostics.DurationMetric).Should().ContainSingle().Which.Outcome.Should().Be("rolled_back");
    }

    [Fact]
    public async Task Metrics_RollbackThatFails_CountsAFailedRollbackAndNeedsAttention()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "DELETE", Status = 400, Times = 1 });
        using var metrics = new MetricsRecorder(_flow);
        var options = new DeploymentOptions { Gate = new RecordingGate(_ => GateDecision.Abort("no")) };

        var run = () => new CanaryDeployment(Observed(), CanaryRequest(50, 100), options).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.NeedsAttention);
        metrics.Of(StrategiesDiagnostics.RollbacksMetric).Should().Equal(new Measurement(StrategiesDiagnostics.RollbacksMetric, 1, "Canary", "failed"));
        metrics.Of(StrategiesDiagnostics.DeploymentsMetric).Should().Equal(new Measurement(StrategiesDiagnostics.DeploymentsMetric, 1, "Canary", "needs_attention"));
    }

    [Fact]
    public async Task Metrics_Cancelled_CountsACancelledDeployment()
    {
        SeedRunningRevision();
        using var metrics = new MetricsRecorder(_flow);
        using var cts = new CancellationTokenSource();
        var progress = new Recorder { OnEvent = e => { if (e is InstancesProgressEvent) { cts.Cancel(); } } };

        var run = () => new CanaryDeployment(Observed(), CanaryRequest(50, 100)).RunAsync(progress, cts.Token);

        await run.Should().ThrowAsync<DeploymentCanceledException>();
        metrics.Of(StrategiesDiagnostics.DeploymentsMetric).Should().Equal(new Measurement(StrategiesDiagnostics.DeploymentsMetric, 1, "Canary", "canceled"));
        metrics.Of(StrategiesDiagnostics.RollbacksMetric).Should().BeEmpty();
    }

    [Fact]
    public async Task Activities_OnePerStep_TaggedWithTheDeploymentAndStep()
    {
        SeedRunningRevision();
        SeedGroup("web__1", Cap(1, 1, 1));
        using var activities = new ActivityRecorder();
        var progress = new Recorder();

        var result = await new CanaryDeployment(Observed(), CanaryRequest(25, 50, 100)).RunAsync(progress);

        var ours = activities.Stopped.Where(a => Equals(a.GetTagItem("spot_deploy.deployment_id"), result.DeploymentId)).ToList();
        var steps = progress.Of<StepStartedEvent>().ToList();
        steps.Should().HaveCountGreaterThan(6);
        ours.Select(a => (string?)a.GetTagItem("spot_deploy.step")).Should().Equal(steps.Select(s => s.StepId), "one activity per step, in order");
        ours.Should().OnlyContain(a => a.Source.Name == StrategiesDiagnostics.ActivitySourceName && a.OperationName.StartsWith("spot-deploy ", StringComparison.Ordinal));
        ours.Select(a => a.OperationName).Should().Contain(["spot-deploy Create", "spot-deploy Scale"]);
        ours.Should().OnlyContain(a => a.Status != ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Activities_FailedStepIsMarkedError_AndRollbackStepsHaveActivitiesToo()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        using var activities = new ActivityRecorder();
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Observed(), CanaryRequest(50, 100)).RunAsync(progress);

        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId;
        var ours = activities.Stopped.Where(a => Equals(a.GetTagItem("spot_deploy.deployment_id"), id)).ToList();
        ours.Should().HaveCount(progress.Of<StepStartedEvent>().Count());
        ours.Where(a => a.Status == ActivityStatusCode.Error).Should().ContainSingle().Which.OperationName.Should().Be("spot-deploy Scale");
        ours.Select(a => (string)a.GetTagItem("spot_deploy.step")!).Should().Contain(s => s.StartsWith('r'), "rollback steps (r1, r2, …) are traced as well");
    }

    [Fact]
    public async Task Logs_StartedAndFinished_NeverTheSpotTokenOrTheAwsSecret()
    {
        SeedRunningRevision();
        var services = Observed();
        var spotRetry = Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "GET", Status = 503, Times = 1 });
        var ec2Retry = Emulator.Faults.Add(new FaultRule { Service = "ec2", Status = 500, Times = 1 });
        var result = await new CanaryDeployment(services, CanaryRequest(50, 100), new DeploymentOptions { Gate = new RecordingGate() }).RunAsync();
        (spotRetry.HitCount, ec2Retry.HitCount).Should().Be((1, 1), "both clients retried once, and logged it");
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        var request = CanaryRequest(50, 100);
        request.UseImage(OldImage);
        var run = () => new CanaryDeployment(services, request).RunAsync();
        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;

        var logs = _logs.Logs;
        var ofSuccess = logs.Where(l => l.Message.Contains(result.DeploymentId, StringComparison.Ordinal)).ToList();
        ofSuccess.Select(l => l.EventId.Id).Should().Contain([1200, 1201, 1202, 1203, 1204]);
        ofSuccess.Should().ContainSingle(l => l.EventId.Id == 1200).Which.Message.Should().Contain(NewImage).And.Contain("Canary");
        ofSuccess.Should().ContainSingle(l => l.EventId.Id == 1204).Which.Message.Should().Contain("Succeeded");
        var ofFailure = logs.Where(l => l.Message.Contains(failure.DeploymentId!, StringComparison.Ordinal)).ToList();
        ofFailure.Select(l => l.EventId.Id).Should().Contain([1200, 1205, 1206, 1204]);
        ofFailure.Single(l => l.EventId.Id == 1205).Exception.Should().NotBeNull();
        logs.Where(l => l.Category.StartsWith("Spot.Deploy.Strategies", StringComparison.Ordinal)).Should().OnlyContain(l => l.EventId.Id >= 1200 && l.EventId.Id <= 1299);
        logs.Should().Contain(l => l.Category == "Spot.Deploy.Elastigroup" && l.Level >= LogLevel.Warning, "the Spot client logged the failed attempts");
        logs.Should().Contain(
            l => l.Category == "Spot.Deploy.Aws" && l.EventId.Id == 1102 && l.Message.Contains("ec2 DescribeImages", StringComparison.Ordinal) && l.Message.Contains("InternalFailure", StringComparison.Ordinal),
            "the EC2 call the AWS SDK sent was retried by the connection's policy, on its clock, and logged");
        logs.Should().NotContain(l => l.AllText.Contains(SpotToken, StringComparison.Ordinal));
        logs.Should().NotContain(l => l.AllText.Contains(AwsSecret, StringComparison.Ordinal));
        failure.ToString().Should().NotContain(SpotToken).And.NotContain(AwsSecret);
    }

    [Fact]
    public async Task Journal_NeverHoldsTheSpotTokenOrTheAwsSecret()
    {
        SeedRunningRevision();
        using var directory = new TempDirectory();
        var fileJournal = new FileDeploymentJournal(directory.Path, Clock);
        var services = Observed(fileJournal);
        var succeeded = await new CanaryDeployment(services, CanaryRequest(50, 100)).RunAsync();
        State.MarkImageNeverHealthy(OldImage);
        var request = CanaryRequest(50, 100);
        request.UseImage(OldImage);
        var run = () => new CanaryDeployment(services, request, new DeploymentOptions { SteadyState = { Timeout = TimeSpan.FromMinutes(3) } }).RunAsync();
        var failed = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;

        foreach (var id in new[] { succeeded.DeploymentId, failed.DeploymentId! })
        {
            var record = (await fileJournal.LoadAsync(id))!;
            record.Entries.Should().NotBeEmpty();
            var json = JsonSerializer.Serialize(new { record.Request, record.Plan, Entries = record.Entries.Select(e => new { e.StepId, e.Operation, e.Data, e.Error }) });
            json.Should().Contain(record.AppName).And.NotContain(SpotToken).And.NotContain(AwsSecret);
            var file = await File.ReadAllTextAsync(fileJournal.GetFilePath(id));
            file.Should().Contain(id).And.NotContain(SpotToken).And.NotContain(AwsSecret);
        }
    }

    [Fact]
    public async Task Events_Canary_StartedFirstFinishedLast_StepsPairedInOrder()
    {
        SeedRunningRevision();
        var progress = new Recorder();

        var result = await new CanaryDeployment(Observed(), CanaryRequest(25, 50, 100)).RunAsync(progress);

        var events = progress.Events;
        var started = events[0].Should().BeOfType<DeploymentStartedEvent>().Subject;
        (started.DeploymentId, started.AppName, started.Strategy, started.Stages, started.ImageId).Should().Be((result.DeploymentId, App, DeploymentStrategy.Canary, 4, NewImage));
        var finished = events[^1].Should().BeOfType<DeploymentFinishedEvent>().Subject;
        (finished.DeploymentId, finished.Status, finished.Elapsed).Should().Be((result.DeploymentId, DeploymentStatus.Succeeded, result.Elapsed));
        events.OfType<DeploymentStartedEvent>().Should().ContainSingle();
        events.OfType<DeploymentFinishedEvent>().Should().ContainSingle();
        events.Select(e => e.Time).Should().BeInAscendingOrder();
        progress.Of<StageStartedEvent>().Select(s => s.Index).Should().Equal(0, 1, 2, 3);
        progress.Of<StageCompletedEvent>().Select(s => s.Index).Should().Equal(0, 1, 2, 3);

        string? open = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case StepStartedEvent s:
                    open.Should().BeNull("steps run one at a time");
                    open = s.StepId;
                    break;
                case StepCompletedEvent c:
                    c.StepId.Should().Be(open);
                    open = null;
                    break;
            }
        }

        open.Should().BeNull();
    }

    [Fact]
    public async Task Events_Failure_RollbackStartedBeforeFinishedRolledBack()
    {
        SeedRunningRevision();
        var progress = new Recorder();
        var options = new DeploymentOptions { Gate = new RecordingGate(_ => GateDecision.Abort("no")) };

        var run = () => new CanaryDeployment(Observed(), CanaryRequest(50, 100), options).RunAsync(progress);

        await run.Should().ThrowAsync<DeploymentFailedException>();
        var events = progress.Events;
        events[0].Should().BeOfType<DeploymentStartedEvent>();
        events[^1].Should().BeOfType<DeploymentFinishedEvent>().Which.Status.Should().Be(DeploymentStatus.RolledBack);
        var rollback = events.OfType<RollbackStartedEvent>().Should().ContainSingle().Subject;
        rollback.Reason.Should().Contain("no");
        rollback.Steps.Should().Be(3, "previous back up, new to 0, delete new");
        events.SkipWhile(e => e is not RollbackStartedEvent).OfType<GroupDeletedEvent>().Should().ContainSingle().Which.Name.Should().Be("web__4");
        events.OfType<DeploymentFinishedEvent>().Should().ContainSingle();
    }

    private static Task<DeploymentResult> RunBasicAsync(DeploymentServices services, DeploymentOptions options)
    {
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        return new BasicDeployment(services, request, options).RunAsync();
    }

    internal sealed record Measurement(string Instrument, double Value, string? Strategy, string? Outcome);

    /// <summary>Records Spot.Deploy measurements made in one test's async flow.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<Measurement> _measurements = [];

        public MetricsRecorder(object flow)
        {
            // Set from the test method itself (a synchronous call), so the deployment's async flow inherits it.
            Flow.Value = flow;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StrategiesDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(flow, instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(flow, instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<Measurement> Of(string instrument)
        {
            lock (_measurements)
            {
                return [.. _measurements.Where(m => m.Instrument == instrument)];
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(object flow, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!ReferenceEquals(Flow.Value, flow))
            {
                return;
            }

            string? strategy = null, outcome = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "strategy":
                        strategy = tag.Value as string;
                        break;
                    case "outcome":
                        outcome = tag.Value as string;
                        break;
                }
            }

            lock (_measurements)
            {
                _measurements.Add(new Measurement(instrument.Name, value, strategy, outcome));
            }
        }
    }

    /// <summary>Records every stopped activity of the Spot.Deploy source (tests filter by deployment id).</summary>
    private sealed class ActivityRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly List<Activity> _stopped = [];

        public ActivityRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == StrategiesDiagnostics.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    lock (_stopped)
                    {
                        _stopped.Add(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped
        {
            get
            {
                lock (_stopped)
                {
                    return [.. _stopped];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
