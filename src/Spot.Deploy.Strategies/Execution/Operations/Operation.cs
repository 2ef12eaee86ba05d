using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// One executable step of a deployment, journaled as itself (System.Text.Json polymorphism on <c>type</c>) so a new
/// process can resume or roll back from it. Each kind holds only its own data and knows how to perform itself, how to
/// check after a crash or an unclear answer whether it already happened (<c>retry</c> in
/// <see cref="PerformAsync"/>), what a rollback must undo once it was attempted (<see cref="RecordAttempt"/>), and the
/// API calls it makes (<see cref="ApiCalls"/>, from the clients' route tables).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CreateGroupOperation), "createGroup")]
[JsonDerivedType(typeof(ScaleGroupOperation), "scaleGroup")]
[JsonDerivedType(typeof(DeleteGroupOperation), "deleteGroup")]
[JsonDerivedType(typeof(RenameGroupOperation), "renameGroup")]
[JsonDerivedType(typeof(ShiftTrafficOperation), "shiftTraffic")]
[JsonDerivedType(typeof(SwapRoutesOperation), "swapRoutes")]
[JsonDerivedType(typeof(RestoreRoutesOperation), "restoreRoutes")]
[JsonDerivedType(typeof(SetImageOperation), "setImage")]
[JsonDerivedType(typeof(RollGroupOperation), "rollGroup")]
[JsonDerivedType(typeof(StopRollOperation), "stopRoll")]
internal abstract record Operation
{
    /// <summary>The step id the journal uses (<c>s1</c> … forward, <c>r1</c> … rollback).</summary>
    public required string Id { get; init; }

    /// <summary>Index of the stage (setup, phase …) the operation belongs to.</summary>
    public int Stage { get; init; }

    /// <summary>A one-line description with every number.</summary>
    public required string Description { get; init; }

    /// <summary>Clean-up: runs last; transient failures are retried, and a failure leaves the deployment deployed.</summary>
    public bool Cleanup { get; init; }

    /// <summary>The name journal entries carry for this kind (<c>Create</c>, <c>Scale</c> …).</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>The group id an intent entry names, when known.</summary>
    public virtual string? IntentGroupId(RunState state) => null;

    /// <summary>
    /// Performs the operation. With <paramref name="retry"/> the operation may have happened already (a crash after its
    /// intent, an unclear answer): it checks the real state first and does only what is still missing.
    /// </summary>
    /// <returns>What the result entry records (ids, counts), or null.</returns>
    public abstract Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken);

    /// <summary>Adds what a rollback must undo once this operation was attempted (nothing by default).</summary>
    public virtual void RecordAttempt(RollbackFacts facts)
    {
    }

    /// <summary>The API calls the operation makes, for the dry run; polling is one call marked as polled.</summary>
    public abstract IReadOnlyList<ApiCall> ApiCalls(DryRunContext names);
}
