using Spot.Deploy.Testing;

// The fault campaign (Faults/, worked on in parallel) still names the tests' virtual clock by its old name,
// FakeTimeProvider, which now belongs to Microsoft.Extensions.Time.Testing. A type in its namespace wins over
// the imported one: delete this file once Faults/CampaignWorld.cs says VirtualClock.
namespace Spot.Deploy.Strategies.Tests.Faults;

internal sealed class FakeTimeProvider : VirtualClock;
