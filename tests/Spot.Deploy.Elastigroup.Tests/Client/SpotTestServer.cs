using System.Collections.Concurrent;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests.Client;

/// <summary>A loopback server answering like Spot, with helpers to build envelopes.</summary>
internal static class Spot
{
    public const string Token = "tok-SECRET-0123456789abcdef";
    public const string Account = "act-12345";

    public static string Envelope(string kind, string itemsJson, int count = -1) =>
        """{"request":{"id":"req-1","url":"/x","method":"GET","timestamp":"2018-06-20T11:35:01.745Z"},"response":{"status":{"code":200,"message":"OK"},"kind":""" +
        "\"" + kind + "\",\"items\":" + itemsJson + ",\"count\":" + (count < 0 ? 1 : count).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";

    public static string Error(int status, params (string Code, string Message)[] errors) =>
        """{"request":{"id":"req-err-7","url":"/x","method":"GET","timestamp":"2018-06-20T11:35:01.745Z"},"response":{"status":{"code":""" +
        status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ""","message":"Bad Request"},"errors":[""" +
        string.Join(",", errors.Select(e => "{\"code\":\"" + e.Code + "\",\"message\":\"" + e.Message + "\"}")) + "]}}";

    public const string Group = """{"id":"sig-1","name":"app__3","capacity":{"minimum":"1","maximum":4,"target":2,"unit":"instance"},"strategy":{"risk":100,"fallbackToOd":"true","persistence":{"blockDevicesMode":"reattach"}},"compute":{"product":"Linux/UNIX","launchSpecification":{"imageId":"ami-1","healthCheckType":"TARGET_GROUP","loadBalancersConfig":{"loadBalancers":[{"name":"tg","arn":"arn:tg","type":"TARGET_GROUP"}]}}},"mesosphere":{"apiServer":"x"},"createdAt":"2018-08-29T18:09:01.431+0000","updatedAt":"2018-08-29T18:09:01.431Z"}""";

    public static ElastigroupClientOptions Options(LoopbackServer server, VirtualClock? time = null) => new()
    {
        BaseAddress = server.BaseAddress,
        Token = Token,
        AccountId = Account,
        TimeProvider = time ?? new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) },
        AttemptTimeout = TimeSpan.FromHours(1),
        RandomSeed = 42,
    };
}

/// <summary>Collects every log line, with its structured values.</summary>
internal sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => p.Key + "=" + p.Value)) : string.Empty;
        Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} | {values} | {exception}");
    }
}
