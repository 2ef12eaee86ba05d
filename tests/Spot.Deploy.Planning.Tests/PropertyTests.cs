using System.Globalization;
using Spot.Deploy.Planning;
using Xunit.Abstractions;

namespace Spot.Deploy.Planning.Tests;

/// <summary>
/// Randomized properties over thousands of generated accounts and requests. Seeds are fixed and
/// printed; a failure names the seed of the failing case, and SPOT_DEPLOY_SEED reruns from any seed.
/// </summary>
public class PropertyTests(ITestOutputHelper output)
{
    private static readonly int Cases =
        int.TryParse(Environment.GetEnvironmentVariable("SPOT_DEPLOY_PROPERTY_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : 3000;
    private static readonly string[] Apps = ["app", "web", "web__2", "api", "app__STAGE"];

    private static int BaseSeed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SPOT_DEPLOY_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : fallback;

    private void ForAll(int fallbackSeed, Action<Random> property)
    {
        var baseSeed = BaseSeed(fallbackSeed);
        output.WriteLine($"base seed {baseSeed}, {Cases} cases (SPOT_DEPLOY_SEED={baseSeed} reruns them)");
        for (var i = 0; i < Cases; i++)
        {
            var seed = baseSeed + i;
            try
            {
                property(new Random(seed));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Property failed for seed {seed} (case {i} of base seed {baseSeed}): {e.Message}", e);
            }
        }
    }

    private static Capacity RandomCapacity(Random random, int maxTarget = 12)
    {
        var target = random.Next(0, maxTarget + 1);
        var min = random.Next(0, target + 1);
        var max = target + random.Next(0, 5);
        return new Capacity(min, target, max);
    }

    private static List<ExistingGroup> RandomAccount(Random random)
    {
        var groups = new List<ExistingGroup>();
        foreach (var app in Apps)
        {
            var numbers = Enumerable.Range(1, 40).OrderBy(_ => random.Next()).Take(random.Next(0, 15)).ToList();
            foreach (var n in numbers)
            {
                var roll = random.Next(10);
                Capacity? capacity = roll switch
                {
                    < 5 => Capacity.Zero,
                    5 => null,
                    _ => RandomCapacity(random),
                };
                groups.Add(new ExistingGroup($"sig-{app}-{n}", $"{app}__{n}", capacity));
            }

            if (random.Next(3) == 0)
            {
                groups.Add(new ExistingGroup($"sig-{app}-near", $"{app}__{random.Next(50)}x", RandomCapacity(random)));
            }
        }

        return groups.OrderBy(_ => random.Next()).ToList();
    }

    private static CapacityRequest RandomCapacityRequest(Random random)
    {
        if (random.Next(2) == 0)
        {
            var target = random.Next(1, 30);
            return CapacityRequest.Fixed(random.Next(0, target + 1), target, target + random.Next(0, 10));
        }

        var fallbackTarget = random.Next(1, 10);
        return random.Next(2) == 0 ? CapacityRequest.SameAsRunning() : CapacityRequest.SameAsRunning(new Capacity(1, fallbackTarget, fallbackTarget + 1));
    }

    private static List<CanaryPhase> RandomPhases(Random random, Capacity planned)
    {
        var phases = new List<CanaryPhase>();
        var percents = Enumerable.Range(1, 99).OrderBy(_ => random.Next()).Take(random.Next(0, 4)).Order().ToList();
        foreach (var p in percents)
        {
            DownsizeStep? downsize = random.Next(4) == 0 ? DownsizeStep.Percent(random.Next(0, 101)) : null;
            phases.Add(random.Next(3) == 0
                ? new CanaryPhase(PhaseStep.Count(Math.Max(1, PhasePlanner.PercentOf(p, planned.Target))), downsize)
                : new CanaryPhase(PhaseStep.Percent(p), downsize));
        }

        phases.Add(random.Next(2) == 0 ? new CanaryPhase(PhaseStep.Percent(100)) : new CanaryPhase(PhaseStep.Count(random.Next(planned.Target, planned.Maximum + 1))));
        return phases;
    }

    /// <summary>
    /// A running group named exactly like the app is refused unless adopted (UnversionedGroupTests); the random accounts
    /// (where "web__2" is both an app and a revision of "web") leave it out so the setup invariants stay about revisions.
    /// </summary>
    private static List<ExistingGroup> WithoutRunningGroupNamed(string app, List<ExistingGroup> groups) =>
        [.. groups.Where(g => !(g.IsRunning && string.Equals(g.Name, app, StringComparison.Ordinal)))];

    private static SetupRequest SetupFor(string app, List<ExistingGroup> groups, CapacityRequest capacity) =>
        new(app, WithoutRunningGroupNamed(app, groups), capacity);

    private static List<(int Number, ExistingGroup Group)> RevisionsOf(string app, IEnumerable<ExistingGroup> groups) =>
        groups.Select(g => (Ok: RevisionName.TryParse(app, g.Name, out var n), n, g)).Where(x => x.Ok).Select(x => (x.n, x.g)).OrderBy(x => x.n).ToList();

    [Fact]
    public void Setup_OverRandomAccounts_KeepsEveryInvariant()
    {
        ForAll(20261121, random =>
        {
            var app = Apps[random.Next(Apps.Length)];
            var groups = WithoutRunningGroupNamed(app, RandomAccount(random));
            var k = random.Next(0, 6);
            var request = new SetupRequest(app, groups, RandomCapacityRequest(random)) { RetainedEmptyRevisions = k };

            var plan = SetupPlanner.Plan(request);
            var revisions = RevisionsOf(app, groups);

            // Revision numbers are never reused.
            plan.NewRevision.Should().Be(revisions.Count == 0 ? 1 : revisions.Max(r => r.Number) + 1);
            RevisionName.TryParse(app, plan.NewGroupName, out var parsed).Should().BeTrue();
            parsed.Should().Be(plan.NewRevision);

            // The previous group is the newest non-empty revision, with its capacity recorded.
            var newestRunning = revisions.LastOrDefault(r => r.Group.Target > 0).Group;
            if (newestRunning is null)
            {
                plan.Previous.Should().BeNull();
            }
            else
            {
                plan.Previous.Should().Be(new RecordedGroup(newestRunning.Id, newestRunning.Name, newestRunning.Capacity!.Value));
            }

            // Every revision except the previous one gets exactly one fate.
            var fates = plan.LeftoversToDelete.Select(g => g.Id)
                .Concat(plan.GroupsToScaleDown.Select(g => g.Id))
                .Concat(plan.EmptyGroupsKept.Select(g => g.Id))
                .Concat(plan.EmptyGroupsToDelete.Select(g => g.Id)).ToList();
            fates.Should().OnlyHaveUniqueItems();
            fates.Should().BeEquivalentTo(revisions.Select(r => r.Group.Id).Where(id => id != plan.Previous?.Id));

            // Only empty groups are deleted; older running ones are scaled down with their capacity.
            plan.LeftoversToDelete.Concat(plan.EmptyGroupsToDelete).ShouldAll(g => g.Target == 0);
            plan.GroupsToScaleDown.ShouldAll(g => g.Capacity.Target > 0 && groups.Single(x => x.Id == g.Id).Capacity == g.Capacity);

            // Leftovers are newer than the previous group; nothing running is newer than it.
            var previousNumber = plan.Previous is null ? int.MaxValue : revisions.Single(r => r.Group.Id == plan.Previous.Id).Number;
            revisions.Where(r => r.Number > previousNumber).Select(r => r.Group.Id).Should().BeEquivalentTo(plan.LeftoversToDelete.Select(g => g.Id));

            // At most K empty revisions survive and they are the newest of them.
            plan.EmptyGroupsKept.Count.Should().BeLessThanOrEqualTo(k);
            if (plan.EmptyGroupsToDelete.Count > 0)
            {
                plan.EmptyGroupsKept.Should().HaveCount(k);
                var oldestKept = plan.EmptyGroupsKept.Count == 0 ? int.MaxValue : plan.EmptyGroupsKept.Min(g => Number(app, g.Name));
                plan.EmptyGroupsToDelete.ShouldAll(g => Number(app, g.Name) < oldestKept);
            }

            // Every planned capacity is valid; the new group is created at 0 first.
            plan.PlannedCapacity.Target.Should().BeGreaterThan(0);
            Capacity.IsValid(plan.PlannedCapacity.Minimum, plan.PlannedCapacity.Target, plan.PlannedCapacity.Maximum).Should().BeTrue();
            plan.Steps[0].Should().Be(new CreateGroupStep(plan.NewGroupName, plan.PlannedCapacity.ToZero()));
            plan.Steps.Should().HaveCount(1 + plan.LeftoversToDelete.Count + plan.GroupsToScaleDown.Count + plan.EmptyGroupsToDelete.Count);
        });
    }

    private static int Number(string app, string name) => RevisionName.TryParse(app, name, out var n) ? n : throw new InvalidOperationException(name);

    [Fact]
    public void Canary_OverRandomPhases_NeverShrinksNewAndEndsAtPlanned()
    {
        var accepted = 0;
        var refused = 0;
        ForAll(7_000_000, random =>
        {
            var groups = RandomAccount(random);
            var setup = SetupPlanner.Plan(SetupFor(Apps[random.Next(Apps.Length)], groups, RandomCapacityRequest(random)));
            var phases = RandomPhases(random, setup.PlannedCapacity);

            DeploymentPlan plan;
            try
            {
                plan = PhasePlanner.PlanCanary(setup, phases);
            }
            catch (DeploymentValidationException e)
            {
                // The generator makes count phases from rounded percentages, so two refusals are possible:
                // a count below an earlier percent phase, or a count that is already final before the end.
                var shrinks = e.Reason.Contains("shrink", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(e.Field, @"^Phases\[\d+\]\.Step$");
                var afterFinal = e.Reason.Contains("follows the final phase", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(e.Field, @"^Phases\[\d+\]$");
                (shrinks || afterFinal).Should().BeTrue(e.Message);
                refused++;
                return;
            }

            accepted++;
            var targets = plan.Phases.Select(p => p.NewCapacity.Target).ToList();
            targets.Should().BeInAscendingOrder();
            targets.ShouldAll(t => t >= 1 && t <= setup.PlannedCapacity.Target);
            plan.Phases.Take(plan.Phases.Count - 1).ShouldAll(p => !p.IsFinal);

            var last = plan.Phases[^1];
            last.IsFinal.Should().BeTrue();
            last.NewCapacity.Should().Be(setup.PlannedCapacity);
            if (setup.Previous is null)
            {
                plan.Phases.ShouldAll(p => p.PreviousCapacity == null);
            }
            else
            {
                last.PreviousCapacity.Should().Be(setup.Previous.Capacity.ToZero());
                plan.Phases.ShouldAll(p => p.PreviousCapacity!.Value.Target <= setup.Previous.Capacity.Target);
            }

            foreach (var step in plan.AllSteps().OfType<ScaleGroupStep>())
            {
                Capacity.IsValid(step.To.Minimum, step.To.Target, step.To.Maximum).Should().BeTrue();
            }
        });

        output.WriteLine($"{accepted} phase lists planned, {refused} refused");
        accepted.Should().BeGreaterThan(Cases * 9 / 10, "the property must mostly exercise accepted plans");
    }

    [Fact]
    public void Rollback_OverRandomSetups_RestoresExactlyTheJournaledCapacities()
    {
        ForAll(424242, random =>
        {
            var groups = RandomAccount(random);
            var setup = SetupPlanner.Plan(SetupFor(Apps[random.Next(Apps.Length)], groups, RandomCapacityRequest(random)));
            var restoreOlder = random.Next(2) == 0;

            var plan = RollbackPlanner.Plan(setup.ToRollbackRequest("sig-new", restoreOlder));

            var restores = plan.Steps.OfType<ScaleGroupStep>().Where(s => s.Group.Role != GroupRole.New).ToList();
            var expected = new List<RecordedGroup>();
            if (setup.Previous is not null)
            {
                expected.Add(setup.Previous);
            }

            if (restoreOlder)
            {
                expected.AddRange(setup.GroupsToScaleDown);
            }

            restores.Select(s => new RecordedGroup(s.Group.Id!, s.Group.Name, s.To)).Should().Equal(expected);
            restores.ShouldAll(s => groups.Single(g => g.Id == s.Group.Id).Capacity == s.To);
            plan.Steps[^1].Should().Be(new DeleteGroupStep(new GroupRef(setup.NewGroupName, "sig-new", GroupRole.New)));
            plan.Steps[^2].Should().Be(new ScaleGroupStep(new GroupRef(setup.NewGroupName, "sig-new", GroupRole.New), null, Capacity.Zero, true));
            RollbackPlanner.Plan(setup.ToRollbackRequest(null, restoreOlder)).NothingToRollBack.Should().BeTrue();
        });
    }

    [Fact]
    public void BlueGreen_OverRandomAccounts_DeletesOnlyStageGroupsAndKeepsProductionRestorable()
    {
        ForAll(99, random =>
        {
            var groups = RandomAccount(random);
            if (random.Next(2) == 0)
            {
                groups.Add(new ExistingGroup("sig-prod", "app", random.Next(4) == 0 ? null : RandomCapacity(random)));
            }

            if (random.Next(2) == 0)
            {
                groups.Add(new ExistingGroup("sig-stage", random.Next(2) == 0 ? "app__STAGE" : "app__STAGE__Harness", RandomCapacity(random)));
            }

            var naming = random.Next(2) == 0 ? BlueGreenNaming.Default("app") : BlueGreenNaming.Reference("app");
            var lb = new BlueGreenLoadBalancer(new ListenerRoute("arn:l/1"), new ListenerRoute("arn:l/2"));
            var plan = BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, RandomCapacityRequest(random), [lb])
            {
                Naming = naming,
                DownsizeOldGroup = random.Next(2) == 0,
                TrafficShiftPercents = random.Next(2) == 0 ? BlueGreenRequest.DefaultTrafficShift : null,
            });

            // Only recognised stage groups are set aside, and only they are deleted: in the clean-up, under their retired name.
            var stageGroups = groups.Where(g => naming.RecognizedStageNames.Contains(g.Name)).ToList();
            plan.StageGroupsToDelete.Select(g => g.Id).Should().BeEquivalentTo(stageGroups.Select(g => g.Id));
            plan.SetAside.Select(a => a.Group).Should().Equal(plan.StageGroupsToDelete.Select(g => new RecordedGroup(g.Id, g.Name, g.Capacity ?? Capacity.Zero)));
            plan.Steps.OfType<DeleteGroupStep>().Select(s => s.Group).Should().Equal(plan.SetAside.Select(a => new GroupRef(a.RetiredName, a.Group.Id, GroupRole.OldStage)));
            plan.Steps.OfType<DeleteGroupStep>().ShouldAll(s => s.IsCleanup);
            plan.Stages[0].Steps.OfType<ScaleGroupStep>().Where(s => s.Group.Role == GroupRole.OldStage).ShouldAll(s => s.To.IsZero && s.WaitForSteadyState);
            plan.Stages[0].Steps.OfType<ScaleGroupStep>().Count(s => s.Group.Role == GroupRole.OldStage).Should().Be(plan.SetAside.Count(a => !a.Group.Capacity.IsZero));
            var production = groups.SingleOrDefault(g => g.Name == "app");
            plan.Production?.Id.Should().Be(production?.Id);
            if (production?.Capacity is { } capacity)
            {
                plan.Production!.Capacity.Should().Be(capacity);
            }

            plan.Steps.OfType<RenameGroupStep>().Last().NewName.Should().Be("app");
            plan.Steps.OfType<SwapRoutesStep>().Should().ContainSingle();
            plan.PlannedCapacity.Target.Should().BeGreaterThan(0);

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new"));
            if (plan.Production is { } old)
            {
                rollback.Steps[0].Should().Be(new ScaleGroupStep(new GroupRef(old.Name, old.Id, GroupRole.Production), null, old.Capacity, true));
            }

            rollback.Steps.Where(s => s.Kind == PlanStepKind.DeleteGroup).Should().Equal(new DeleteGroupStep(new GroupRef(naming.StageName, "sig-new", GroupRole.New)));

            // Every set-aside is undone after the new group is gone: its name, then the capacity it had.
            var undo = rollback.Steps.SkipWhile(s => s.Kind != PlanStepKind.DeleteGroup).Skip(1).ToList();
            undo.OfType<RenameGroupStep>().Select(r => (r.Group.Name, r.Group.Id, r.NewName)).Should().Equal(plan.SetAside.Select(a => (a.RetiredName, (string?)a.Group.Id, a.Group.Name)));
            undo.OfType<ScaleGroupStep>().Select(r => (r.Group.Id, r.To)).Should().Equal(plan.SetAside.Where(a => !a.Group.Capacity.IsZero).Select(a => ((string?)a.Group.Id, a.Group.Capacity)));
        });
    }

    [Fact]
    public void EveryPlan_StagesFlattenToItsSteps_CleanupComesLast_OneGateFreeStageFirst()
    {
        var kinds = new int[3];
        ForAll(31337, random =>
        {
            var groups = RandomAccount(random);
            IReadOnlyList<PlanStage> stages;
            IReadOnlyList<PlanStep> steps;
            switch (random.Next(3))
            {
                case 0:
                {
                    var setup = SetupPlanner.Plan(SetupFor(Apps[random.Next(Apps.Length)], groups, RandomCapacityRequest(random)) with { RetainedEmptyRevisions = random.Next(0, 4) });
                    var phases = new List<CanaryPhase>();
                    foreach (var p in Enumerable.Range(1, 99).OrderBy(_ => random.Next()).Take(random.Next(0, 4)).Order())
                    {
                        phases.Add(new CanaryPhase(PhaseStep.Percent(p)));
                    }

                    phases.Add(new CanaryPhase(PhaseStep.Percent(100)));
                    var plan = PhasePlanner.PlanCanary(setup, phases);
                    stages = plan.Stages;
                    steps = plan.AllSteps();
                    stages.Select(s => s.Name).Should().Equal(
                        ["setup", .. phases.Select((p, i) => $"phase {i + 1} of {phases.Count} ({p.Step})")]);
                    stages.Skip(2).ShouldAll(s => s.GateBefore);
                    steps.Where(s => s.IsCleanup).Should().HaveCount(setup.LeftoversToDelete.Count + setup.EmptyGroupsToDelete.Count);
                    steps.Where(s => !s.IsCleanup).Should().HaveCount(1 + setup.GroupsToScaleDown.Count + plan.Phases.Sum(p => p.Steps.Count));
                    break;
                }

                case 1:
                {
                    groups.Add(new ExistingGroup("sig-stage", random.Next(2) == 0 ? "app__STAGE" : "app__STAGE__Harness", random.Next(3) == 0 ? null : RandomCapacity(random)));
                    var lb = new BlueGreenLoadBalancer(new ListenerRoute("arn:l/1"), new ListenerRoute("arn:l/2"));
                    var plan = BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, RandomCapacityRequest(random), [lb])
                    {
                        Naming = random.Next(2) == 0 ? BlueGreenNaming.Default("app") : BlueGreenNaming.Reference("app"),
                        DownsizeOldGroup = random.Next(2) == 0,
                        TrafficShiftPercents = random.Next(2) == 0 ? BlueGreenRequest.DefaultTrafficShift : null,
                    });
                    stages = plan.Stages;
                    steps = plan.Steps;
                    stages.Select(s => s.Name).Should().Equal(["stage setup", .. plan.TrafficSteps.Select(w => $"traffic {w.Percent} %"), "swap"]);
                    stages.Skip(1).ShouldAll(s => s.GateBefore);
                    steps.Where(s => s.IsCleanup).Should().HaveCount(plan.SetAside.Count);
                    break;
                }

                default:
                {
                    var images = Enumerable.Range(0, random.Next(1, 4)).Select(i => $"ami-{random.Next(1000)}").ToList();
                    var plan = SpotRollPlanner.Plan(new SpotRollRequest("app", "sig-1", "app", images, images.Count > 1 || random.Next(2) == 0, "ami-new", random.Next(0, 3)));
                    stages = plan.Stages;
                    steps = plan.Steps;
                    stages.Should().ContainSingle().Which.Name.Should().Be("roll");
                    break;
                }
            }

            kinds[stages.Count == 1 && stages[0].Name == "roll" ? 2 : stages[0].Name == "setup" ? 0 : 1]++;
            steps.Should().Equal(stages.SelectMany(s => s.Steps));
            stages[0].GateBefore.Should().BeFalse();
            stages.ShouldAll(s => s.Steps.Count > 0 || s.Name == "setup");
            var firstCleanup = steps.ToList().FindIndex(s => s.IsCleanup);
            if (firstCleanup >= 0)
            {
                steps.Skip(firstCleanup).ShouldAll(s => s.IsCleanup, "clean-up steps come after every other step");
                stages[^1].Steps.TakeLast(steps.Count - firstCleanup).Should().Equal(steps.Skip(firstCleanup), "the clean-up is the end of the last stage");
                steps.Where(s => s.IsCleanup).ShouldAll(s => s.Kind == PlanStepKind.DeleteGroup && s.Describe().StartsWith("clean-up: ", StringComparison.Ordinal));
            }

            steps.Where(s => !s.IsCleanup).ShouldAll(s => !s.Describe().StartsWith("clean-up", StringComparison.Ordinal));
        });

        output.WriteLine($"{kinds[0]} canary, {kinds[1]} Blue/Green, {kinds[2]} roll plans");
        kinds.ShouldAll(k => k > Cases / 5);
    }

    [Fact]
    public void SpotRoll_OverRandomGroups_RollbackInvertsTheImageAndKeepsTheList()
    {
        ForAll(8080, random =>
        {
            var usesList = random.Next(2) == 0;
            var images = Enumerable.Range(0, usesList ? random.Next(1, 5) : 1).Select(_ => $"ami-{random.Next(100)}").ToList();
            var target = random.Next(0, 4);
            var request = new SpotRollRequest("app", "sig-" + random.Next(100), "app", images, usesList, $"ami-n{random.Next(100)}", target)
            {
                BatchSizePercentage = random.Next(1, 101),
                GracePeriodSeconds = random.Next(0, 3600),
                HealthCheckType = random.Next(3) == 0 ? null : SpotRollPlanner.HealthCheckTypes[random.Next(SpotRollPlanner.HealthCheckTypes.Count)],
            };

            var plan = SpotRollPlanner.Plan(request);

            plan.PreviousImages.Should().Equal(images);
            plan.NewImages[0].Should().Be(request.NewImageId);
            plan.NewImages.Skip(1).Should().Equal(images.Skip(1), "only the first image is replaced");
            plan.NewImages.Should().HaveCount(images.Count);
            plan.Group.Should().Be(new GroupRef("app", request.GroupId, GroupRole.Rolled));
            var roll = plan.Steps.OfType<RollGroupStep>().SingleOrDefault();
            (roll is not null).Should().Be(target > 0);

            var imageChanged = random.Next(2) == 0;
            var rolled = roll is not null && imageChanged && random.Next(2) == 0;
            var rollback = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, imageChanged, rolled));

            var set = rollback.Steps.OfType<SetImageStep>().SingleOrDefault();
            (set is not null).Should().Be(imageChanged);
            if (set is not null)
            {
                var forward = (SetImageStep)plan.Steps[0];
                set.From.Should().Equal(forward.To);
                set.To.Should().Equal(forward.From);
                set.UsesImagesList.Should().Be(forward.UsesImagesList);
            }

            rollback.Steps.OfType<StopRollStep>().Count().Should().Be(rolled ? 1 : 0);
            var reverse = rollback.Steps.OfType<RollGroupStep>().SingleOrDefault();
            (reverse is not null).Should().Be(rolled);
            if (reverse is not null)
            {
                reverse.Should().Be(roll! with { Reverse = true });
                rollback.Steps[0].Should().BeOfType<StopRollStep>();
                rollback.Steps[^1].Should().Be(reverse);
            }

            rollback.Steps.ShouldAll(s => s.Kind == PlanStepKind.StopRoll || ((s as SetImageStep)?.Group ?? ((RollGroupStep)s).Group) == plan.Group);
        });
    }
}
