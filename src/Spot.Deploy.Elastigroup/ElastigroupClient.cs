using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spot.Deploy.Resilience;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// Client of Spot's Elastigroup (AWS) REST API. Create one per account and reuse it; it is safe for
/// concurrent use. Every call retries what is safe to retry, respects Spot's rate limit, logs
/// through <see cref="ILogger"/> and traces through <see cref="ElastigroupDiagnostics.ActivitySourceName"/>,
/// and never reveals the token.
/// </summary>
public sealed class ElastigroupClient : IElastigroupClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly SpotTransport _transport;
    private readonly ILogger _logger;
    private readonly ElastigroupClientOptions _options;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>; token and account default to <c>SPOTINST_TOKEN</c> / <c>SPOTINST_ACCOUNT</c>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (no token, no account …).</exception>
    public ElastigroupClient(ElastigroupClientOptions options)
        : this(new HttpClient(), options, null, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client on a given <see cref="HttpClient"/> (its lifetime stays the caller's).</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public ElastigroupClient(HttpClient httpClient, ElastigroupClientOptions options)
        : this(httpClient, options, null, ownsHttpClient: false)
    {
    }

    /// <summary>Creates a client on a given <see cref="HttpClient"/> that logs to <paramref name="logger"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public ElastigroupClient(HttpClient httpClient, ElastigroupClientOptions options, ILogger? logger)
        : this(httpClient, options, logger, ownsHttpClient: false)
    {
    }

    private ElastigroupClient(HttpClient httpClient, ElastigroupClientOptions options, ILogger? logger, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var effective = options.WithEnvironmentDefaults();
        try
        {
            effective.Validate();
        }
        catch
        {
            if (ownsHttpClient)
            {
                httpClient.Dispose();
            }

            throw;
        }

        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _options = effective;
        _logger = logger ?? NullLogger.Instance;
        _transport = new SpotTransport(httpClient, effective, _logger);
    }

    /// <summary>The account id calls are made for.</summary>
    public string AccountId => _options.AccountId!;

    /// <summary>The API address.</summary>
    public Uri BaseAddress => _options.BaseAddress;

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group</c>; Spot has no server-side name filter, so the prefix is applied here.</remarks>
    public async Task<IReadOnlyList<ElastigroupGroup>> ListGroupsAsync(string? namePrefix = null, CancellationToken cancellationToken = default)
    {
        var envelope = await SendAsync(SpotCall.To(SpotApi.ListGroups), SpotJsonContext.Default.SpotEnvelopeElastigroupGroup, cancellationToken).ConfigureAwait(false);
        var groups = envelope.Items;
        if (!string.IsNullOrEmpty(namePrefix))
        {
            groups = groups.FindAll(g => g.Name is not null && g.Name.StartsWith(namePrefix, StringComparison.Ordinal));
        }

        return groups.AsReadOnly();
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}</c>.</remarks>
    public async Task<ElastigroupGroup> GetGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var call = SpotCall.To(SpotApi.GetGroup, groupId);
        var envelope = await SendAsync(call, SpotJsonContext.Default.SpotEnvelopeElastigroupGroup, cancellationToken).ConfigureAwait(false);
        return Single(envelope, call);
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}</c>, kept as JSON: nothing is dropped or rewritten.</remarks>
    public async Task<ElastigroupDocument> GetGroupDocumentAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var call = SpotCall.To(SpotApi.GetGroupDocument, groupId);
        var bytes = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
        var items = JsonNode.Parse(bytes)?["response"]?["items"] as JsonArray;
        if (items is not { Count: > 0 } || items[0] is not JsonObject group)
        {
            throw SpotExceptionMap.Create(HttpStatusCode.NotFound, [new SpotError("GROUP_DOESNT_EXIST", "Spot returned no group.")], null, call.Api.Method, call.Path);
        }

        items.RemoveAt(0);
        return ElastigroupDocument.FromGroup(group);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>POST /aws/ec2/group</c>. A create that got no clear answer (timeout, connection failure, 5xx)
    /// is never blindly posted again: the group is looked up by name first, and only posted again
    /// when it does not exist.
    /// </remarks>
    public async Task<ElastigroupGroup> CreateGroupAsync(ElastigroupDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var name = document.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("The group document has no name; a create needs one (and it is how an unclear create is found again).", nameof(document));
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(document.ToRequestBody());
        var call = SpotCall.To(SpotApi.CreateGroup, body: body);
        var retry = new VerifiedRetry(_options.MaxRetries, _options.RetryBaseDelay, _options.MaxRetryDelay, _options.TimeProvider,
            e => e is SpotApiException { IsTransient: true, IsRateLimited: false });
        return await retry.ExecuteAsync(
            async token => Single(await SendAsync(call, SpotJsonContext.Default.SpotEnvelopeElastigroupGroup, token).ConfigureAwait(false), call),
            async token =>
            {
                var existing = await FindByNameAsync(name, token).ConfigureAwait(false);
                if (existing is not null)
                {
                    Log.CreateFound(_logger, name, existing.Id ?? "?");
                }

                return existing;
            },
            (e, _) => Log.CreateUncertain(_logger, name, e is SpotApiException spot
                ? spot.IsTimeout ? "timeout" : spot.StatusCode == 0 ? "connection failure" : ((int)spot.StatusCode).ToString(CultureInfo.InvariantCulture)
                : e.GetType().Name),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group": patch}</c>. Merge semantics: a field absent
    /// from <paramref name="groupPatch"/> stays as it is, an explicit null clears it, a value sets it.
    /// </remarks>
    public async Task<ElastigroupGroup> UpdateGroupAsync(string groupId, JsonObject groupPatch, bool autoApplyTags = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupPatch);
        return await PutGroupAsync(SpotApi.UpdateGroup, groupId, groupPatch.DeepClone(), autoApplyTags, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group":{"name": …}}</c>; nothing else of the group changes.</remarks>
    public async Task<ElastigroupGroup> RenameGroupAsync(string groupId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return await PutGroupAsync(SpotApi.RenameGroup, groupId, new JsonObject { ["name"] = name }, autoApplyTags: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group": image.ToGroupPatch()}</c>. Under Spot's merge semantics the
    /// rest of the launch specification stays as it is; an <c>images</c> list is replaced as a whole, so pass every image
    /// the group keeps (<see cref="LaunchImage.WithFirst"/> does).
    /// </remarks>
    public async Task<ElastigroupGroup> SetImageAsync(string groupId, LaunchImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return await PutGroupAsync(SpotApi.SetImage, groupId, image.ToGroupPatch(), autoApplyTags: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}/capacity</c>. Setting absolute numbers is safe to repeat.</remarks>
    public async Task UpdateCapacityAsync(string groupId, int minimum, int target, int maximum, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimum);
        ArgumentOutOfRangeException.ThrowIfLessThan(target, minimum);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, target);
        var body = JsonSerializer.SerializeToUtf8Bytes(new CapacityBody { Capacity = new CapacityBodyValues { Minimum = minimum, Target = target, Maximum = maximum } },
            SpotJsonContext.Default.CapacityBody);
        await _transport.SendAsync(SpotCall.To(SpotApi.UpdateCapacity, groupId, body: body), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>DELETE /aws/ec2/group/{groupId}</c>. A group that is already gone raises <see cref="SpotNotFoundException"/>.</remarks>
    public async Task DeleteGroupAsync(string groupId, DeleteGroupOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = options is null ? null : JsonSerializer.SerializeToUtf8Bytes(options, SpotJsonContext.Default.DeleteGroupOptions);
        await _transport.SendAsync(SpotCall.To(SpotApi.DeleteGroup, groupId, body: body), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}/status</c>.</remarks>
    public async Task<IReadOnlyList<GroupInstance>> GetGroupStatusAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var envelope = await SendAsync(SpotCall.To(SpotApi.GetGroupStatus, groupId), SpotJsonContext.Default.SpotEnvelopeGroupInstance, cancellationToken).ConfigureAwait(false);
        return envelope.Items.AsReadOnly();
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}/instanceHealthiness</c>.</remarks>
    public async Task<IReadOnlyList<InstanceHealth>> GetInstanceHealthinessAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var envelope = await SendAsync(SpotCall.To(SpotApi.GetInstanceHealthiness, groupId), SpotJsonContext.Default.SpotEnvelopeInstanceHealth, cancellationToken).ConfigureAwait(false);
        return envelope.Items.AsReadOnly();
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>PUT /aws/ec2/group/{groupId}/roll</c>. Real Spot answers with no items, so when the answer
    /// names no roll, the newest roll of the group is returned (null if there is none). Not repeated
    /// after an unclear failure: a second roll must not start.
    /// </remarks>
    public async Task<RollStatus?> StartRollAsync(string groupId, RollRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, SpotJsonContext.Default.RollRequest);
        var envelope = await SendAsync(SpotCall.To(SpotApi.StartRoll, groupId, body: body), SpotJsonContext.Default.SpotEnvelopeRollStatus, cancellationToken).ConfigureAwait(false);
        if (envelope.Items.Count > 0 && envelope.Items[0].Id is not null)
        {
            return envelope.Items[0];
        }

        var rolls = await ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        return rolls.OrderByDescending(r => r.CreatedAt ?? DateTimeOffset.MinValue).FirstOrDefault();
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}/roll</c>.</remarks>
    public async Task<IReadOnlyList<RollStatus>> ListRollsAsync(string groupId, CancellationToken cancellationToken = default) =>
        await ListRollsAsync(SpotApi.ListRolls, groupId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>Spot documents no <c>GET …/roll/{rollId}</c>: the roll is found in <c>GET /aws/ec2/group/{groupId}/roll</c>.</remarks>
    public async Task<RollStatus> GetRollAsync(string groupId, string rollId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rollId);
        var rolls = await ListRollsAsync(SpotApi.GetRoll, groupId, cancellationToken).ConfigureAwait(false);
        return rolls.FirstOrDefault(r => string.Equals(r.Id, rollId, StringComparison.Ordinal))
            ?? throw SpotExceptionMap.Create(HttpStatusCode.NotFound, [new SpotError("ROLL_NOT_FOUND", $"Group {groupId} has no roll {rollId}.")], null, SpotApi.GetRoll.Method, SpotApi.GetRoll.Path(groupId));
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}/roll/{rollId}/status</c>: batches and blue/green instances.</remarks>
    public async Task<RollStatus> GetRollStatusAsync(string groupId, string rollId, CancellationToken cancellationToken = default)
    {
        var envelope = await SendAsync(SpotCall.To(SpotApi.GetRollStatus, groupId, rollId), SpotJsonContext.Default.SpotEnvelopeRollStatus, cancellationToken).ConfigureAwait(false);
        var status = envelope.Items.Count > 0 ? envelope.Items[0] : new RollStatus();
        status.Id ??= rollId;
        return status;
    }

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}/roll/{rollId}</c> with <c>{"roll":{"status":"STOPPED"}}</c>.</remarks>
    public async Task StopRollAsync(string groupId, string rollId, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new RollStopBody(), SpotJsonContext.Default.RollStopBody);
        await _transport.SendAsync(SpotCall.To(SpotApi.StopRoll, groupId, rollId, body), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>POST /aws/ec2/group/{groupId}/roll/{rollId}/action</c>.</remarks>
    public async Task<RollActionResult?> RollActionAsync(string groupId, string rollId, RollActionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, SpotJsonContext.Default.RollActionRequest);
        var envelope = await SendAsync(SpotCall.To(SpotApi.RollAction, groupId, rollId, body), SpotJsonContext.Default.SpotEnvelopeRollActionResult, cancellationToken).ConfigureAwait(false);
        return envelope.Items.Count > 0 ? envelope.Items[0] : null;
    }

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}/detachInstances</c>.</remarks>
    public async Task DetachInstancesAsync(string groupId, DetachInstancesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, SpotJsonContext.Default.DetachInstancesRequest);
        await _transport.SendAsync(SpotCall.To(SpotApi.DetachInstances, groupId, body: body), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}/scale/up?adjustment=n</c>. Relative, so never repeated after an unclear failure.</remarks>
    public Task ScaleUpAsync(string groupId, int adjustment, CancellationToken cancellationToken = default) =>
        ScaleAsync(SpotApi.ScaleUp, groupId, adjustment, cancellationToken);

    /// <inheritdoc />
    /// <remarks><c>PUT /aws/ec2/group/{groupId}/scale/down?adjustment=n</c>. Relative, so never repeated after an unclear failure.</remarks>
    public Task ScaleDownAsync(string groupId, int adjustment, CancellationToken cancellationToken = default) =>
        ScaleAsync(SpotApi.ScaleDown, groupId, adjustment, cancellationToken);

    /// <inheritdoc />
    /// <remarks><c>POST /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment</c>.</remarks>
    public async Task<CodeDeployBlueGreenDeployment?> StartCodeDeployBlueGreenAsync(string groupId, CodeDeployBlueGreenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(new CodeDeployBody { Deployment = request }, SpotJsonContext.Default.CodeDeployBody);
        var envelope = await SendAsync(SpotCall.To(SpotApi.StartCodeDeployBlueGreen, groupId, body: body),
            SpotJsonContext.Default.SpotEnvelopeCodeDeployBlueGreenDeployment, cancellationToken).ConfigureAwait(false);
        return envelope.Items.Count > 0 ? envelope.Items[0] : null;
    }

    /// <inheritdoc />
    /// <remarks><c>GET /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment</c>.</remarks>
    public async Task<IReadOnlyList<CodeDeployBlueGreenDeployment>> GetCodeDeployBlueGreenAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var envelope = await SendAsync(SpotCall.To(SpotApi.GetCodeDeployBlueGreen, groupId), SpotJsonContext.Default.SpotEnvelopeCodeDeployBlueGreenDeployment, cancellationToken).ConfigureAwait(false);
        return envelope.Items.AsReadOnly();
    }

    /// <summary>Disposes the <see cref="HttpClient"/> when the client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <summary>Describes the client; the token is never shown.</summary>
    public override string ToString() => "ElastigroupClient(" + _options + ")";

    private async Task ScaleAsync(SpotApiCall api, string groupId, int adjustment, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(adjustment);
        var query = "adjustment=" + adjustment.ToString(CultureInfo.InvariantCulture);
        await _transport.SendAsync(SpotCall.To(api, groupId, query: query), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one way a group patch is sent (update, rename, image): <c>{"group": patch}</c>, answered by the group.</summary>
    private async Task<ElastigroupGroup> PutGroupAsync(SpotApiCall api, string groupId, JsonNode groupPatch, bool autoApplyTags, CancellationToken cancellationToken)
    {
        var call = SpotCall.To(api, groupId, body: JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["group"] = groupPatch }), query: autoApplyTags ? "autoApplyTags=true" : null);
        var envelope = await SendAsync(call, SpotJsonContext.Default.SpotEnvelopeElastigroupGroup, cancellationToken).ConfigureAwait(false);
        return envelope.Items.Count > 0 ? envelope.Items[0] : new ElastigroupGroup { Id = groupId };
    }

    /// <summary>The roll list, read for <see cref="SpotApi.ListRolls"/> or <see cref="SpotApi.GetRoll"/>.</summary>
    private async Task<IReadOnlyList<RollStatus>> ListRollsAsync(SpotApiCall api, string groupId, CancellationToken cancellationToken)
    {
        var envelope = await SendAsync(SpotCall.To(api, groupId), SpotJsonContext.Default.SpotEnvelopeRollStatus, cancellationToken).ConfigureAwait(false);
        return envelope.Items.AsReadOnly();
    }

    private async Task<ElastigroupGroup?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        var groups = await ListGroupsAsync(name, cancellationToken).ConfigureAwait(false);
        return groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));
    }

    private Task<SpotEnvelope<T>> SendAsync<T>(SpotCall call, JsonTypeInfo<SpotEnvelope<T>> type, CancellationToken cancellationToken) =>
        _transport.SendAsync(call, type, cancellationToken);

    private static ElastigroupGroup Single(SpotEnvelope<ElastigroupGroup> envelope, SpotCall call) =>
        envelope.Items.Count > 0
            ? envelope.Items[0]
            : throw SpotExceptionMap.Create(HttpStatusCode.NotFound, [new SpotError("GROUP_DOESNT_EXIST", "Spot returned no group.")], envelope.Request?.Id, call.Api.Method, call.Path);
}
