using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class PlanStepTests
{
    private static readonly GroupRef Group = new("app__2", "sig-2", GroupRole.Leftover);

    [Fact]
    public void CleanupStep_DescriptionStartsWithCleanup()
    {
        var step = new DeleteGroupStep(Group) { IsCleanup = true };

        step.Describe().Should().Be("clean-up: delete group app__2 (sig-2, Leftover)");
        step.ToString().Should().Be(step.Describe());
        PlanStep.CleanupPrefix.Should().Be("clean-up: ");
    }

    [Fact]
    public void Step_IsNotCleanupUnlessSaid()
    {
        var step = new DeleteGroupStep(Group);

        step.IsCleanup.Should().BeFalse();
        step.Describe().Should().Be("delete group app__2 (sig-2, Leftover)");
    }

    [Fact]
    public void CleanupFlag_TakesPartInEquality()
    {
        new DeleteGroupStep(Group).Should().NotBe(new DeleteGroupStep(Group) { IsCleanup = true });
        (new DeleteGroupStep(Group) with { IsCleanup = true }).Should().Be(new DeleteGroupStep(Group) { IsCleanup = true });
    }

    [Fact]
    public void EveryKindOfStep_CanBeACleanupStep()
    {
        var g = new GroupRef("web", "sig-1", GroupRole.Rolled);
        PlanStep[] steps =
        [
            new CreateGroupStep("web", Capacity.Zero),
            new ScaleGroupStep(g, null, Capacity.Zero, false),
            new RenameGroupStep(g, "web2"),
            new SwapRoutesStep([]),
            new ShiftTrafficStep([], TrafficWeights.ForPercent(5)),
            new RestoreRoutesStep([]),
            new SetImageStep(g, ["ami-a"], ["ami-b"], false),
            new RollGroupStep(g, 20, 600, null),
            new StopRollStep(g),
        ];

        foreach (var step in steps)
        {
            (step with { IsCleanup = true }).Describe().Should().Be("clean-up: " + step.Describe());
        }
    }

    [Fact]
    public void PlanStage_KeepsItsParts()
    {
        var stage = new PlanStage("swap", true, [new DeleteGroupStep(Group)]);

        stage.Name.Should().Be("swap");
        stage.GateBefore.Should().BeTrue();
        stage.Steps.Should().ContainSingle();
    }
}
