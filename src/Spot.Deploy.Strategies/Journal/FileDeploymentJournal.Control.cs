using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies;

/// <content>
/// The control channel (<see cref="IDeploymentControl"/>): a file <c>&lt;id&gt;.control</c> beside the journal file, never
/// the journal file itself (only the deployment's runner writes that). Each request rewrites it atomically (a temporary
/// file flushed and renamed, then the directory flushed) while holding <c>&lt;id&gt;.control.lock</c> exclusively, so two
/// processes deciding at once are serialized and the first decision wins.
/// </content>
public sealed partial class FileDeploymentJournal : IDeploymentControl
{
    private const string ControlExtension = ".control";
    private static readonly TimeSpan ControlLockWait = TimeSpan.FromSeconds(10);

    /// <summary>The path of a deployment's control file (promote and abort requests).</summary>
    /// <param name="deploymentId">The deployment id.</param>
    /// <returns>The full path, whether or not the file exists.</returns>
    public string GetControlFilePath(string deploymentId)
    {
        JournalRules.ValidateId(deploymentId);
        return Path.Combine(Directory, deploymentId + ControlExtension);
    }

    /// <inheritdoc />
    public async Task<ControlRequest> RequestAsync(string deploymentId, ControlRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = GetControlFilePath(deploymentId);
        var gate = _gates.GetOrAdd(deploymentId + ControlExtension, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                ControlRules.Decide(deploymentId, null, [], request, _timeProvider.GetUtcNow());
            }

            using var held = await LockControlAsync(deploymentId, path, cancellationToken).ConfigureAwait(false);
            var stored = ReadControl(deploymentId, path);
            var (decision, isNew) = ControlRules.Decide(deploymentId, record, stored, request, _timeProvider.GetUtcNow());
            if (isNew)
            {
                try
                {
                    DurableFiles.WriteAtomically(path, WriteControl(deploymentId, [.. stored, decision]), overwrite: true);
                }
                catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
                {
                    throw new DeploymentJournalException($"Could not write the control file '{path}': {ex.Message}", deploymentId, path, ex);
                }
            }

            return decision;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ControlRequest>> ReadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        var path = GetControlFilePath(deploymentId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadControl(deploymentId, path));
    }

    private static async Task<FileStream> LockControlAsync(string deploymentId, string path, CancellationToken cancellationToken)
    {
        DurableFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock another process's open is refused by (flock on Unix).
                return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < ControlLockWait)
            {
                // Another process is recording a request for this deployment: it takes milliseconds.
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new DeploymentJournalException($"Could not lock the control file '{path}' within {ControlLockWait.TotalSeconds:0} s: {ex.Message}", deploymentId, path, ex);
            }
        }
    }

    private static IReadOnlyList<ControlRequest> ReadControl(string deploymentId, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentJournalException($"Could not read the control file '{path}': {ex.Message}", deploymentId, path, ex);
        }

        try
        {
            var document = JsonNode.Parse(bytes)!.AsObject();
            if (document["deploymentId"]?.GetValue<string>() != deploymentId)
            {
                throw new FormatException("it names another deployment");
            }

            return [.. document["requests"]!.AsArray().Select(node =>
            {
                var r = node!.AsObject();
                var request = new ControlRequest(
                    Enum.Parse<ControlAction>(r["action"]!.GetValue<string>(), ignoreCase: true),
                    r["stage"]!.GetValue<int>(),
                    r["requestedBy"]!.GetValue<string>(),
                    r["reason"]?.GetValue<string>());
                return request.Stamp(r["sequence"]!.GetValue<long>(), DateTimeOffset.Parse(r["requestedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            })];
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or NullReferenceException)
        {
            throw new DeploymentJournalException($"The control file '{path}' is corrupt: {ex.Message}", deploymentId, path, ex);
        }
    }

    private static byte[] WriteControl(string deploymentId, IReadOnlyList<ControlRequest> requests)
    {
        var document = new JsonObject
        {
            ["format"] = 1,
            ["deploymentId"] = deploymentId,
            ["requests"] = new JsonArray([.. requests.Select(r => (JsonNode)new JsonObject
            {
                ["sequence"] = r.Sequence,
                ["action"] = r.Action == ControlAction.Promote ? "promote" : "abort",
                ["stage"] = r.Stage,
                ["requestedBy"] = r.RequestedBy,
                ["reason"] = r.Reason,
                ["requestedAt"] = r.RequestedAt.ToString("O", CultureInfo.InvariantCulture),
            })]),
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString() + "\n");
    }
}
