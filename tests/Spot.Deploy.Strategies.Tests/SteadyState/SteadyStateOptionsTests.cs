namespace Spot.Deploy.Strategies.Tests.SteadyState;

public sealed class SteadyStateOptionsTests : SteadyStateTestBase
{
    public static TheoryData<string, Action<SteadyStateOptions>> BadSettings => new()
    {
        { nameof(SteadyStateOptions.Timeout), o => o.Timeout = TimeSpan.Zero },
        { nameof(SteadyStateOptions.Timeout), o => o.Timeout = TimeSpan.FromSeconds(-1) },
        { nameof(SteadyStateOptions.InitialPollInterval), o => o.InitialPollInterval = TimeSpan.Zero },
        { nameof(SteadyStateOptions.MaxPollInterval), o => o.MaxPollInterval = TimeSpan.FromSeconds(1) },
        { nameof(SteadyStateOptions.BackoffFactor), o => o.BackoffFactor = 0.9 },
        { nameof(SteadyStateOptions.BackoffFactor), o => o.BackoffFactor = double.NaN },
        { nameof(SteadyStateOptions.BackoffFactor), o => o.BackoffFactor = double.PositiveInfinity },
    };

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new SteadyStateOptions();

        options.Timeout.Should().Be(TimeSpan.FromMinutes(15));
        options.InitialPollInterval.Should().Be(TimeSpan.FromSeconds(2));
        options.MaxPollInterval.Should().Be(TimeSpan.FromSeconds(10));
        options.LearnReadinessTime.Should().BeTrue();
        options.BackoffFactor.Should().Be(1.5);
        options.RequireTargetGroupHealth.Should().BeFalse();
        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_NamesIt(string setting, Action<SteadyStateOptions> change)
    {
        var options = new SteadyStateOptions();
        change(options);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(setting);
    }

    [Fact]
    public void Validate_FixedInterval_IsAccepted()
    {
        var options = new SteadyStateOptions { BackoffFactor = 1, InitialPollInterval = TimeSpan.FromSeconds(20), MaxPollInterval = TimeSpan.FromSeconds(20) };

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Fact]
    public async Task WaitAsync_BadOptions_ThrowsBeforeAnyCall()
    {
        var groupId = SeedGroup(target: 1);
        Emulator.Calls.Clear();

        var wait = () => CreateWaiter().WaitAsync(groupId, 1, options: new SteadyStateOptions { BackoffFactor = 0.5 });

        await wait.Should().ThrowAsync<ArgumentOutOfRangeException>();
        Emulator.Calls.All.Should().BeEmpty();
    }

    [Fact]
    public async Task WaitAsync_NegativeTarget_Throws()
    {
        var wait = () => CreateWaiter().WaitAsync("sig-00000000", -1);

        await wait.Should().ThrowAsync<ArgumentOutOfRangeException>().Where(e => e.ParamName == "target");
    }
}

public sealed class SteadyStateOptionsCopyTests
{
    [Fact]
    public void WithoutTargetGroupHealth_KeepsEveryOtherSetting()
    {
        var options = new SteadyStateOptions
        {
            Timeout = TimeSpan.FromMinutes(3),
            InitialPollInterval = TimeSpan.FromSeconds(1),
            MaxPollInterval = TimeSpan.FromSeconds(7),
            BackoffFactor = 2,
            RequireTargetGroupHealth = true,
            LearnReadinessTime = false,
        };

        var copy = options.WithoutTargetGroupHealth();

        copy.Should().NotBeSameAs(options);
        copy.RequireTargetGroupHealth.Should().BeFalse();
        options.RequireTargetGroupHealth.Should().BeTrue("the original is not changed");
        foreach (var property in typeof(SteadyStateOptions).GetProperties().Where(p => p.Name != nameof(SteadyStateOptions.RequireTargetGroupHealth)))
        {
            property.GetValue(copy).Should().Be(property.GetValue(options), property.Name + " must survive the copy");
        }
    }
}
