using System.Globalization;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// Reads CloudWatch for analysis checks: alarms (DescribeAlarms) and metric data (GetMetricData), every page of each.
/// Speaks CloudWatch's query protocol (form POST, XML answers) on the connection's transport: SigV4 from AWSSDK.Core,
/// throttling (<c>Throttling</c>), 5xx, timeouts and broken connections retried on the connection's clock, errors as
/// <see cref="AwsApiException"/>. Only reads: nothing here changes an alarm or a metric.
/// </summary>
/// <remarks>Substitutable in tests: the methods are virtual and a protected constructor needs no transport.</remarks>
public class CloudWatchClient
{
    /// <summary>The most alarm names one DescribeAlarms call carries (CloudWatch's limit).</summary>
    internal const int NamesPerCall = 100;

    /// <summary>The most pages followed for one read, so a service that always answers a NextToken cannot loop forever.</summary>
    internal const int MaxPages = 100;

    private const AwsService Service = AwsService.CloudWatch;

    private readonly IAwsQueryTransport? _transport;

    /// <param name="transport">Sends the calls; the connection's transport paces every CloudWatch attempt (<see cref="CloudWatchPacer"/>).</param>
    internal CloudWatchClient(IAwsQueryTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    /// <summary>For substitutes in tests (a mocking library or a subclass); its methods must be overridden.</summary>
    protected CloudWatchClient()
    {
    }

    /// <summary>
    /// The alarms (metric and composite) named <paramref name="alarmNames"/>, or whose names start with
    /// <paramref name="alarmNamePrefix"/> — one or the other, as CloudWatch requires — every page, in CloudWatch's order.
    /// An alarm that does not exist is simply absent.
    /// </summary>
    /// <param name="alarmNames">Exact names, or null / empty.</param>
    /// <param name="alarmNamePrefix">A name prefix, or null.</param>
    /// <param name="cancellationToken">Stops the calls.</param>
    /// <returns>The alarms found.</returns>
    /// <exception cref="AwsApiException">CloudWatch refused the call (e.g. <c>InvalidParameterCombination</c> for names and a prefix together) or could not be reached.</exception>
    public virtual async Task<IReadOnlyList<CloudWatchAlarmState>> DescribeAlarmsAsync(IReadOnlyCollection<string>? alarmNames, string? alarmNamePrefix, CancellationToken cancellationToken = default)
    {
        var transport = Transport();
        var names = alarmNames?.ToArray() ?? [];
        var batches = names.Length == 0 ? [[]] : names.Chunk(NamesPerCall).ToArray();
        var alarms = new List<CloudWatchAlarmState>();
        foreach (var batch in batches)
        {
            string? token = null;
            var pages = 0;
            do
            {
                var parameters = new QueryParameters()
                    .AddMemberList("AlarmNames", batch)
                    .AddIfNotNull("AlarmNamePrefix", alarmNamePrefix)
                    .AddMemberList("AlarmTypes", ["CompositeAlarm", "MetricAlarm"])
                    .AddIfNotNull("NextToken", token);
                var root = await transport.SendAsync(Service, "DescribeAlarms", parameters.ToList(), isMutating: false, cancellationToken).ConfigureAwait(false);
                var result = Result(root, "DescribeAlarms");
                alarms.AddRange(result.Members("MetricAlarms").Select(a => Alarm(a, composite: false)));
                alarms.AddRange(result.Members("CompositeAlarms").Select(a => Alarm(a, composite: true)));
                token = NextPage(result, root, "DescribeAlarms", ref pages);
            }
            while (token is not null);
        }

        return alarms;
    }

    /// <summary>
    /// The datapoints of <paramref name="queries"/> between <paramref name="startTime"/> and <paramref name="endTime"/>,
    /// newest first, every page merged (one result per query returning data, in CloudWatch's order).
    /// </summary>
    /// <param name="queries">Metrics and expressions (at most 500).</param>
    /// <param name="startTime">The start of the range (inclusive).</param>
    /// <param name="endTime">The end of the range (exclusive).</param>
    /// <param name="cancellationToken">Stops the calls.</param>
    /// <returns>The results.</returns>
    /// <exception cref="AwsApiException">CloudWatch refused the call (a bad id, period or expression) or could not be reached.</exception>
    public virtual async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset startTime, DateTimeOffset endTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var transport = Transport();
        var query = MetricDataParameters.Of(queries, startTime, endTime);
        var merged = new List<(string Id, string? Label, string Status, List<DateTimeOffset> Times, List<double> Values)>();
        string? token = null;
        var pages = 0;
        do
        {
            var parameters = new QueryParameters().AddRange(query).AddIfNotNull("NextToken", token);
            var root = await transport.SendAsync(Service, "GetMetricData", parameters.ToList(), isMutating: false, cancellationToken).ConfigureAwait(false);
            var result = Result(root, "GetMetricData");
            foreach (var member in result.Members("MetricDataResults"))
            {
                var id = member.String("Id") ?? throw QueryXml.Malformed(Service, "GetMetricData", root, "a result has no Id");
                var times = member.MemberStrings("Timestamps").Select(t => QueryXml.ParseDate(t) ?? throw QueryXml.Malformed(Service, "GetMetricData", root, $"'{t}' is not a timestamp")).ToList();
                var values = member.MemberStrings("Values").Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw QueryXml.Malformed(Service, "GetMetricData", root, $"'{v}' is not a number")).ToList();
                if (times.Count != values.Count)
                {
                    throw QueryXml.Malformed(Service, "GetMetricData", root, $"result {id} has {times.Count} timestamps and {values.Count} values");
                }

                var at = merged.FindIndex(m => m.Id == id);
                var status = member.String("StatusCode") ?? "Complete";
                if (at < 0)
                {
                    merged.Add((id, member.String("Label"), status, times, values));
                }
                else
                {
                    merged[at].Times.AddRange(times);
                    merged[at].Values.AddRange(values);
                    merged[at] = merged[at] with { Status = status };
                }
            }

            token = NextPage(result, root, "GetMetricData", ref pages);
        }
        while (token is not null);

        return [.. merged.Select(m => new MetricDataResult(m.Id, m.Label, m.Status, m.Times, m.Values))];
    }

    private IAwsQueryTransport Transport() =>
        _transport ?? throw new InvalidOperationException("This CloudWatchClient was made for substitution: override its methods.");

    private static XElement Result(XElement root, string action) =>
        root.Name.LocalName == action + "Result"
            ? root
            : root.Child(action + "Result") ?? throw QueryXml.Malformed(Service, action, root, $"the answer <{root.Name.LocalName}> has no <{action}Result> element");

    private static string? NextPage(XElement result, XElement root, string action, ref int pages)
    {
        var token = result.NonEmptyString("NextToken");
        if (token is not null && ++pages >= MaxPages)
        {
            throw QueryXml.Malformed(Service, action, root, string.Create(CultureInfo.InvariantCulture, $"still a NextToken after {MaxPages} pages"));
        }

        return token;
    }

    private static CloudWatchAlarmState Alarm(XElement alarm, bool composite) => new(
        alarm.String("AlarmName") ?? string.Empty,
        composite,
        alarm.String("StateValue") ?? string.Empty,
        alarm.String("StateReason") ?? string.Empty,
        alarm.Date("StateUpdatedTimestamp"),
        alarm.NonEmptyString("MetricName"),
        alarm.NonEmptyString("Namespace"));
}
