using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

/// <summary>The README's example, as written there, and the output its comments promise.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_PrintsWhatTheReadmeSays()
    {
        ExistingGroup[] groups =
        [
            new("sig-1", "web__6", new Capacity(2, 4, 8)),
            new("sig-2", "web__5", Capacity.Zero),
            new("sig-3", "web__7", Capacity.Zero),
        ];

        var setup = SetupPlanner.Plan(new SetupRequest("web", groups, CapacityRequest.SameAsRunning()));
        var canary = PhasePlanner.PlanCanary(setup,
        [
            new CanaryPhase(PhaseStep.Percent(25)),
            new CanaryPhase(PhaseStep.Percent(50)),
            new CanaryPhase(PhaseStep.Percent(100)),
        ]);

        var lines = canary.AllSteps().Select(step => step.ToString()).ToList();

        string[] shown =
        [
            "create group web__8 at min 0, target 0, max 0",
            "scale group web__8 (New) to (min 1, target 1, max 1), wait for steady state",
            "scale group web__6 (sig-1, Previous) to (min 3, target 3, max 3), wait for steady state",
            "...",
            "clean-up: delete group web__7 (sig-3, Leftover)",
        ];
        lines.Should().StartWith(shown.Take(3));
        lines[^1].Should().Be(shown[^1]);
        lines.Should().HaveCount(8);
        canary.Stages.Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (50 %)", "phase 3 of 3 (100 %)");
        setup.EmptyGroupsKept.Should().ContainSingle().Which.Name.Should().Be("web__5");
        var readme = File.ReadAllText(Path.Combine(Spot.Deploy.Testing.PublicApiListing.RepositoryRoot(), "README.md"));
        readme.Should().Contain(string.Join("\n", shown.Select(line => "// " + line)));
        readme.Should().Contain("// setup, phase 1 of 3 (25 %), phase 2 of 3 (50 %), phase 3 of 3 (100 %)");
    }
}
