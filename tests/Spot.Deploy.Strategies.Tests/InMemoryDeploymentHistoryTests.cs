namespace Spot.Deploy.Strategies.Tests;

public sealed class InMemoryDeploymentHistoryTests : DeploymentHistoryContractTests
{
    public InMemoryDeploymentHistoryTests() => Journal = new InMemoryDeploymentJournal(Time, TestRunner);

    protected override IDeploymentJournal Journal { get; }

    [Fact]
    public void Constructor_NoRunner_IsUserAtMachine()
    {
        new InMemoryDeploymentJournal().Runner.Should().Be(Environment.UserName + "@" + Environment.MachineName);
    }
}
