using System.Net;
using System.Xml.Linq;

namespace Spot.Deploy.Aws.Tests;

/// <summary>One call the code under test made.</summary>
internal sealed record QueryCall(AwsService Service, string Action, IReadOnlyList<KeyValuePair<string, string>> Parameters, bool IsMutating)
{
    /// <summary>The value of a parameter, or null when it was not sent.</summary>
    public string? this[string name] => Parameters.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>The parameter names, in order.</summary>
    public IReadOnlyList<string> Names => Parameters.Select(p => p.Key).ToArray();

    /// <summary>The parameters whose names start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Under(string prefix) =>
        Parameters.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
}

/// <summary>
/// An <see cref="IAwsQueryTransport"/> that records every call and answers with scripted XML per action
/// (answers are used in order, the last one repeats), a handler, or an <see cref="AwsApiException"/>.
/// An action nobody scripted fails the test.
/// </summary>
internal sealed class FakeQueryTransport : IAwsQueryTransport
{
    private readonly Dictionary<string, List<Func<QueryCall, XElement>>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _used = new(StringComparer.Ordinal);
    private readonly List<QueryCall> _calls = [];
    private readonly object _gate = new();

    /// <summary>Every call, in order.</summary>
    public IReadOnlyList<QueryCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>Runs on every call before it is answered (e.g. to check parameters against the botocore model).</summary>
    public Action<QueryCall>? Inspect { get; set; }

    /// <summary>The calls of one action, in order.</summary>
    public IReadOnlyList<QueryCall> CallsTo(string action) => Calls.Where(c => c.Action == action).ToArray();

    /// <summary>Answers <paramref name="action"/> with these XML documents, one per call; the last repeats.</summary>
    public FakeQueryTransport Respond(string action, params string[] answers)
    {
        foreach (var answer in answers)
        {
            var root = XElement.Parse(answer);
            Add(action, _ => new XElement(root));
        }

        return this;
    }

    /// <summary>Answers <paramref name="action"/> with whatever the handler returns (it may throw).</summary>
    public FakeQueryTransport Handle(string action, Func<QueryCall, XElement> handler)
    {
        Add(action, handler);
        return this;
    }

    /// <summary>Adds an answer to <paramref name="action"/>'s script that throws <paramref name="exception"/>.</summary>
    public FakeQueryTransport Throw(string action, AwsApiException exception) =>
        Handle(action, _ => throw exception);

    /// <summary>
    /// Adds an answer to <paramref name="action"/>'s script that fails as the real transport would for this error answer
    /// (EC2 <c>Response/Errors/Error</c> or ELBv2 <c>ErrorResponse/Error</c>), read by the transport's own reader.
    /// </summary>
    public FakeQueryTransport ThrowError(string action, HttpStatusCode status, string errorXml, AwsService service)
    {
        var (code, message, requestId) = AwsQueryTransport.ReadError(XElement.Parse(errorXml));
        return Throw(action, new AwsApiException(status, code, message, requestId, service == AwsService.Ec2 ? "ec2" : "elasticloadbalancing", action));
    }

    public Task<XElement> SendAsync(AwsService service, string action, IReadOnlyList<KeyValuePair<string, string>> parameters, bool isMutating, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new QueryCall(service, action, parameters.ToArray(), isMutating);
        Func<QueryCall, XElement> answer;
        lock (_gate)
        {
            _calls.Add(call);
            if (!_scripts.TryGetValue(action, out var script))
            {
                throw new InvalidOperationException($"The fake transport has no answer for {action}.");
            }

            var used = _used.GetValueOrDefault(action);
            answer = script[Math.Min(used, script.Count - 1)];
            _used[action] = used + 1;
        }

        Inspect?.Invoke(call);
        return Task.FromResult(answer(call));
    }

    private void Add(string action, Func<QueryCall, XElement> answer)
    {
        lock (_gate)
        {
            if (!_scripts.TryGetValue(action, out var script))
            {
                _scripts[action] = script = [];
            }

            script.Add(answer);
        }
    }
}
