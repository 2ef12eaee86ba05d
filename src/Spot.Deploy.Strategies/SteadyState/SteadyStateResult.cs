namespace Spot.Deploy.Strategies;

/// <summary>A group reached its steady state.</summary>
/// <param name="Healthy">Healthy instances at the last poll (the target).</param>
/// <param name="Total">Instances in the group at the last poll (the target).</param>
/// <param name="Polls">How many polls the wait made.</param>
/// <param name="Elapsed">How long the wait took, measured on its <see cref="TimeProvider"/>.</param>
public sealed record SteadyStateResult(int Healthy, int Total, int Polls, TimeSpan Elapsed);
