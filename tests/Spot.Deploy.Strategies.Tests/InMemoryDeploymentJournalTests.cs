namespace Spot.Deploy.Strategies.Tests;

public sealed class InMemoryDeploymentJournalTests : DeploymentJournalContractTests
{
    public InMemoryDeploymentJournalTests() => Journal = new InMemoryDeploymentJournal(Time);

    protected override IDeploymentJournal Journal { get; }
}
