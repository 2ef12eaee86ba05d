using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// The body a deployment's create sends (<see cref="Exact"/>, held in memory only) and what of it the journal holds: the
/// body with every sensitive value replaced by a marker (<see cref="SensitiveValues"/>), the paths replaced, the digest
/// of the exact body, and the non-secret inputs a new process needs to rebuild it from the user's document.
/// </summary>
/// <param name="Exact">The create body as sent to Spot. Never journaled.</param>
/// <param name="Journaled">The body with every sensitive value replaced by its marker.</param>
/// <param name="KeptOut">The JSON paths of the values replaced, in document order.</param>
/// <param name="Digest"><c>sha256:&lt;hex&gt;</c> of the exact body's compact JSON.</param>
/// <param name="StageTargetGroups">Blue/Green: the stage target groups that replace the document's load balancers; null keeps them.</param>
/// <param name="UserDataDigest"><c>sha256:&lt;hex&gt;</c> of the request's user data (plain text) when it replaced the document's; else null.</param>
internal sealed record CreateBody(
    JsonObject Exact,
    JsonObject Journaled,
    IReadOnlyList<string> KeptOut,
    string Digest,
    IReadOnlyList<string>? StageTargetGroups,
    string? UserDataDigest)
{
    /// <summary>
    /// Builds the create body from the user's document: the compiler's way, and the only way, so that a resume in a new
    /// process rebuilds exactly the body the deployment journaled the digest of.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The document cannot be made into a create body (field <c>Document</c>).</exception>
    public static CreateBody Build(ElastigroupDocument document, string name, string imageId, string? userData, IReadOnlyList<string>? stageTargetGroups)
    {
        JsonObject exact;
        try
        {
            var loadBalancers = stageTargetGroups?.Select(arn => LoadBalancerReference.TargetGroup(arn)).ToList();
            exact = (JsonObject)document.ToCreateBody(name, imageId, userData, loadBalancers).Group.DeepClone();
        }
        catch (Exception e) when (e is ElastigroupDocumentException or ArgumentException)
        {
            throw new DeploymentValidationException("Document", e.Message, e);
        }

        var (journaled, keptOut) = SensitiveValues.Redact(exact);
        return new CreateBody(exact, journaled, keptOut, SensitiveValues.Digest(exact), stageTargetGroups,
            userData is null ? null : SensitiveValues.Digest(userData));
    }

    /// <summary>
    /// Before a resume changes anything: makes sure the create, when it still has to run, has its exact body — from the
    /// journal when nothing was kept out, else rebuilt from <paramref name="document"/> and checked against the journaled
    /// digest. A create that was attempted and whose group exists needs nothing (its re-run finds the group).
    /// </summary>
    /// <exception cref="DeploymentDocumentException">The document is needed and missing, or is not the one the deployment started with.</exception>
    /// <exception cref="DeploymentJournalException">The journaled body does not match its digest.</exception>
    public static async Task SupplyAsync(OperationContext context, CompiledDeployment compiled, RunState state, ElastigroupDocument? document, string? userData,
        CancellationToken cancellationToken)
    {
        if (compiled.Operations.OfType<CreateGroupOperation>().FirstOrDefault() is not { } create || state.Done.Contains(create.Id) || create.HasExactBody)
        {
            return;
        }

        if (create.KeptOut.Count == 0 && create.Body is { } complete)
        {
            if (create.BodyDigest is { } digest && !string.Equals(digest, SensitiveValues.Digest(complete), StringComparison.Ordinal))
            {
                throw new DeploymentJournalException(
                    $"The create body of {create.GroupName} journaled for deployment {context.DeploymentId} does not match its digest: the journal was changed by hand. Roll the deployment back.",
                    context.DeploymentId, null);
            }

            create.UseExactBody((JsonObject)complete.DeepClone());
            return;
        }

        if (state.WasAttempted(create) && await context.FindGroupByNameAsync(create.GroupName, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        if (document is null)
        {
            throw DeploymentDocumentException.Missing(context.DeploymentId, create.GroupName, create.KeptOut, create.UserDataDigest is not null);
        }

        if (create.Body is null || create.BodyDigest is null)
        {
            throw new DeploymentJournalException(
                $"Deployment {context.DeploymentId} was journaled by an earlier build that left the create body of {create.GroupName} out without a digest, so no document can be checked against it. Roll it back and deploy again.",
                context.DeploymentId, null);
        }

        var rebuilt = Build(document, create.GroupName, create.ImageId, userData, create.StageTargetGroups);
        if (!string.Equals(rebuilt.Digest, create.BodyDigest, StringComparison.Ordinal))
        {
            throw DeploymentDocumentException.Mismatch(context.DeploymentId, create.GroupName, Differences(create, rebuilt));
        }

        create.UseExactBody(rebuilt.Exact);
    }

    private static List<(string Path, string What)> Differences(CreateGroupOperation create, CreateBody rebuilt)
    {
        var differences = SensitiveValues.Differences(create.Body, rebuilt.Journaled).ToList();
        if (!string.Equals(create.UserDataDigest, rebuilt.UserDataDigest, StringComparison.Ordinal))
        {
            differences.Add(("UserData", (create.UserDataDigest, rebuilt.UserDataDigest) switch
            {
                (null, _) => "given now; the deployment started without",
                (_, null) => "the deployment started with user data; none was given",
                _ => "differs",
            }));
        }

        if (differences.Count == 0)
        {
            differences.Add(("$", "the same values in another order of properties"));
        }

        return differences;
    }
}
