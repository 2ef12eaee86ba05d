using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.MeasurementVerdict;

namespace Spot.Deploy.Planning.Tests;

/// <summary>Argo Rollouts' analysis rules as the planner states them: limits, early ends, the count, combining checks.</summary>
public sealed class AnalysisRulesTests
{
    private static AnalysisVerdict Of(AnalysisLimits limits, params MeasurementVerdict[] seen) => AnalysisRules.OfCheck(limits, seen);

    [Fact]
    public void FirstFailure_FailsAtOnce_WithTheDefaultLimitOfZero()
    {
        var limits = new AnalysisLimits { Count = 5 };

        Of(limits).Should().Be(AnalysisVerdict.Running);
        Of(limits, Pass).Should().Be(AnalysisVerdict.Running);
        Of(limits, Pass, Fail).Should().Be(AnalysisVerdict.Failed);
    }

    [Fact]
    public void FailureLimit_IsHowManyFailuresAreTolerated()
    {
        var limits = new AnalysisLimits { Count = 5, FailureLimit = 2 };

        Of(limits, Fail, Pass, Fail).Should().Be(AnalysisVerdict.Running);
        Of(limits, Fail, Pass, Fail, Fail).Should().Be(AnalysisVerdict.Failed);
        Of(limits, Fail, Pass, Fail, Pass, Pass).Should().Be(AnalysisVerdict.Successful, "two failures were tolerated and the count was reached");
    }

    [Fact]
    public void Inconclusive_BeyondItsLimit_IsInconclusive_NeverAPass()
    {
        Of(new AnalysisLimits { Count = 3 }, Pass, Inconclusive).Should().Be(AnalysisVerdict.Inconclusive);
        Of(new AnalysisLimits { Count = 3, InconclusiveLimit = 1 }, Inconclusive, Pass, Pass).Should().Be(AnalysisVerdict.Successful);
        Of(new AnalysisLimits { Count = 3, InconclusiveLimit = 1 }, Inconclusive, Inconclusive).Should().Be(AnalysisVerdict.Inconclusive);
    }

    [Fact]
    public void FailureOutranksInconclusive_InTheSameMeasurements()
    {
        Of(new AnalysisLimits { Count = 3 }, Inconclusive, Fail).Should().Be(AnalysisVerdict.Failed);
    }

    [Fact]
    public void ConsecutiveSuccesses_EndEarly_AndACountWithoutThemIsInconclusive()
    {
        var limits = new AnalysisLimits { Count = 6, FailureLimit = 3, ConsecutiveSuccessLimit = 3 };

        Of(limits, Fail, Pass, Pass).Should().Be(AnalysisVerdict.Running);
        Of(limits, Fail, Pass, Pass, Pass).Should().Be(AnalysisVerdict.Successful, "three passes in a row end it early");
        Of(limits, Pass, Pass, Fail, Pass, Pass, Fail).Should().Be(AnalysisVerdict.Inconclusive, "the count was reached without three passes in a row: a person decides");
    }

    [Fact]
    public void Combine_TakesTheWorst_AndNoChecksIsSuccessful()
    {
        AnalysisRules.Combine([AnalysisVerdict.Successful, AnalysisVerdict.Running]).Should().Be(AnalysisVerdict.Running);
        AnalysisRules.Combine([AnalysisVerdict.Running, AnalysisVerdict.Inconclusive]).Should().Be(AnalysisVerdict.Inconclusive);
        AnalysisRules.Combine([AnalysisVerdict.Inconclusive, AnalysisVerdict.Failed, AnalysisVerdict.Successful]).Should().Be(AnalysisVerdict.Failed);
        AnalysisRules.Combine([]).Should().Be(AnalysisVerdict.Successful);
    }

    [Theory]
    [InlineData(600, 60, 10)]
    [InlineData(630, 60, 10)]
    [InlineData(30, 60, 1)]
    [InlineData(60, 60, 1)]
    public void BakeCount_IsOnePerWholeInterval_AtLeastOne(int bakeSeconds, int intervalSeconds, int expected)
    {
        AnalysisRules.BakeCount(TimeSpan.FromSeconds(bakeSeconds), TimeSpan.FromSeconds(intervalSeconds)).Should().Be(expected);
    }

    [Fact]
    public void BakeCount_RefusesNonPositiveTimes()
    {
        var act = () => AnalysisRules.BakeCount(TimeSpan.Zero, TimeSpan.FromMinutes(1));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Bake");
    }

    [Theory]
    [InlineData(0, 0, 0, 0, "Analysis.count")]
    [InlineData(3, -1, 0, 0, "Analysis.failureLimit")]
    [InlineData(3, 0, -1, 0, "Analysis.inconclusiveLimit")]
    [InlineData(3, 0, 0, 4, "Analysis.consecutiveSuccessLimit")]
    public void Validate_NamesTheField(int count, int failureLimit, int inconclusiveLimit, int consecutive, string field)
    {
        var limits = new AnalysisLimits { Count = count, FailureLimit = failureLimit, InconclusiveLimit = inconclusiveLimit, ConsecutiveSuccessLimit = consecutive };

        limits.Invoking(l => l.Validate()).Should().Throw<DeploymentValidationException>().Which.Field.Should().Be(field);
    }
}
