namespace Spot.Deploy.Strategies;

/// <content>The control channel (<see cref="IDeploymentControl"/>): requests kept beside each deployment's journal bytes, never in them.</content>
public sealed partial class InMemoryDeploymentJournal : IDeploymentControl
{
    private readonly Dictionary<string, List<ControlRequest>> _control = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<ControlRequest> RequestAsync(string deploymentId, ControlRequest request, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var stored = _control.GetValueOrDefault(deploymentId) ?? [];
            var (decision, isNew) = ControlRules.Decide(deploymentId, LoadLocked(deploymentId), stored, request, _timeProvider.GetUtcNow());
            if (isNew)
            {
                _control[deploymentId] = [.. stored, decision];
            }

            return Task.FromResult(decision);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ControlRequest>> ReadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ControlRequest>>(_control.GetValueOrDefault(deploymentId) ?? []);
        }
    }
}
