using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class CapacityTests
{
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 2, 4)]
    [InlineData(3, 3, 3)]
    [InlineData(0, 5, 5)]
    public void Ctor_ValidNumbers_KeepsThem(int min, int target, int max)
    {
        var capacity = new Capacity(min, target, max);

        capacity.Minimum.Should().Be(min);
        capacity.Target.Should().Be(target);
        capacity.Maximum.Should().Be(max);
        capacity.Unit.Should().Be("instance");
    }

    [Theory]
    [InlineData(-1, 0, 0, "Capacity.Minimum")]
    [InlineData(0, -1, 0, "Capacity.Target")]
    [InlineData(0, 0, -1, "Capacity.Maximum")]
    [InlineData(5, 5, 4, "Capacity.Minimum")]
    [InlineData(2, 1, 4, "Capacity.Target")]
    [InlineData(1, 5, 4, "Capacity.Target")]
    public void Ctor_InvalidNumbers_ThrowsNamingTheField(int min, int target, int max, string field)
    {
        var act = () => new Capacity(min, target, max);

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be(field);
    }

    [Fact]
    public void Ctor_MinAboveMax_MessageGivesBothNumbers()
    {
        var act = () => new Capacity(5, 5, 4);

        act.Should().Throw<DeploymentValidationException>().WithMessage("Capacity.Minimum: The minimum (5) is greater than the maximum (4).");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Ctor_EmptyUnit_Throws(string unit)
    {
        var act = () => new Capacity(1, 1, 1, unit);

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity.Unit");
    }

    // Reference cases of DEPLOYMENT-SEMANTICS.md, written there as (min, max, target).
    [Theory]
    [InlineData(3, 1, 2, 2, 2, 2)]
    [InlineData(30, 100, 20, 20, 100, 20)]
    [InlineData(5, 10, 20, 5, 20, 20)]
    [InlineData(5, 10, 7, 5, 10, 7)]
    public void Widen_ReferenceCases_MatchTheSemantics(int min, int max, int target, int wantMin, int wantMax, int wantTarget)
    {
        var widened = Capacity.Widen(min, target, max);

        widened.Should().Be(new Capacity(wantMin, wantTarget, wantMax));
    }

    [Fact]
    public void Widen_KeepsTheUnit()
    {
        Capacity.Widen(3, 2, 1, "weight").Unit.Should().Be("weight");
    }

    [Theory]
    [InlineData(-1, 0, 0, "Capacity.Minimum")]
    [InlineData(0, -1, 0, "Capacity.Target")]
    [InlineData(0, 0, -1, "Capacity.Maximum")]
    public void Widen_NegativeNumber_Throws(int min, int target, int max, string field)
    {
        var act = () => Capacity.Widen(min, target, max);

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be(field);
    }

    [Fact]
    public void Default_IsZeroInstances()
    {
        var zero = default(Capacity);

        zero.IsZero.Should().BeTrue();
        zero.Unit.Should().Be(Capacity.InstanceUnit);
        zero.Should().Be(Capacity.Zero).And.Be(new Capacity(0, 0, 0));
    }

    [Fact]
    public void IsZero_OnlyWhenAllThreeAreZero()
    {
        new Capacity(0, 0, 1).IsZero.Should().BeFalse();
        new Capacity(0, 0, 0).IsZero.Should().BeTrue();
    }

    [Fact]
    public void ToZero_And_WithExactly_KeepTheUnit()
    {
        var weighted = new Capacity(2, 4, 8, "weight");

        weighted.ToZero().Should().Be(new Capacity(0, 0, 0, "weight"));
        weighted.WithExactly(3).Should().Be(new Capacity(3, 3, 3, "weight"));
    }

    [Fact]
    public void Exactly_SetsAllThree()
    {
        Capacity.Exactly(3).Should().Be(new Capacity(3, 3, 3));
    }

    [Fact]
    public void Equality_ComparesAllFourParts()
    {
        var a = new Capacity(1, 2, 4);

        (a == new Capacity(1, 2, 4)).Should().BeTrue();
        (a != new Capacity(1, 2, 5)).Should().BeTrue();
        (a == new Capacity(1, 2, 4, "weight")).Should().BeFalse();
        a.Equals((object)new Capacity(1, 2, 4)).Should().BeTrue();
        a.Equals("1,2,4").Should().BeFalse();
        a.GetHashCode().Should().Be(new Capacity(1, 2, 4).GetHashCode());
    }

    [Fact]
    public void ToString_ShowsNumbersAndNonDefaultUnit()
    {
        new Capacity(1, 2, 4).ToString().Should().Be("min 1, target 2, max 4");
        new Capacity(1, 2, 4, "weight").ToString().Should().Be("min 1, target 2, max 4 (weight)");
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(1, 2, 3, true)]
    [InlineData(-1, 0, 0, false)]
    [InlineData(2, 1, 3, false)]
    [InlineData(1, 4, 3, false)]
    public void IsValid_MatchesTheRule(int min, int target, int max, bool valid)
    {
        Capacity.IsValid(min, target, max).Should().Be(valid);
    }
}
