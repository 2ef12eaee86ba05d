using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The emulator's XML read against AWS's own descriptions: every element is a member of the botocore
/// output shape it sits in (names, lists as <c>member</c>/<c>item</c>, integers, booleans, timestamps and
/// enum values as the model types them), and the members the wire samples show come in the samples' order.
/// </summary>
public sealed class WireShapeTests : IAsyncLifetime
{
    private static readonly string ReferenceFolder = Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Aws.Tests", "TestData", "aws");
    private AwsHarness _aws = null!;
    private string _loadBalancer = null!;
    private string _listener = null!;
    private string _blue = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        _aws.State.SeedImage("ami-00000001", "web-1", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero),
            new Dictionary<string, string> { ["Version"] = "1.0" }, deprecationTime: new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _aws.State.SeedImage("ami-00000002", "al2023", new DateTimeOffset(2026, 10, 1, 10, 0, 0, TimeSpan.Zero), ownerId: "amazon", architecture: "arm64");
        _loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        _blue = _aws.State.SeedTargetGroup("web-blue");
        var green = _aws.State.SeedTargetGroup("web-green");
        _listener = _aws.State.SeedListener(_loadBalancer, 443, _blue);
        _aws.State.SeedRule(_listener, 10, "/api/*", green);
        _aws.State.SeedTarget(_blue, "i-0000000a");
        _aws.State.SeedTarget(_blue, "i-0000000b", "initial");
        var set = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "authenticate-cognito"),
            ("DefaultActions.member.1.Order", "1"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.UserPoolArn", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.UserPoolClientId", "client"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.UserPoolDomain", "auth"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.SessionTimeout", "600"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.AuthenticationRequestExtraParams.entry.1.key", "lang"),
            ("DefaultActions.member.1.AuthenticateCognitoConfig.AuthenticationRequestExtraParams.entry.1.value", "en"),
            ("DefaultActions.member.2.Type", "forward"),
            ("DefaultActions.member.2.Order", "2"),
            ("DefaultActions.member.2.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.2.ForwardConfig.TargetGroups.member.1.Weight", "3"),
            ("DefaultActions.member.2.ForwardConfig.TargetGroups.member.2.TargetGroupArn", green),
            ("DefaultActions.member.2.ForwardConfig.TargetGroups.member.2.Weight", "0"),
            ("DefaultActions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled", "true"),
            ("DefaultActions.member.2.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds", "60"));
        set.Status.Should().Be(HttpStatusCode.OK, set.Text);
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task DescribeImages_Answer_FitsTheEc2ModelAndTheSample()
    {
        var answer = await _aws.Ec2Async("DescribeImages", ("MaxResults", "5"));
        var paged = await _aws.Ec2Async("DescribeImages", ("MaxResults", "5"), ("Filter.1.Name", "name"), ("Filter.1.Value.1", "*"));

        answer.Status.Should().Be(HttpStatusCode.OK);
        WireModel.Ec2.Problems("DescribeImages", answer.Xml!).Should().BeEmpty();
        WireModel.Ec2.Problems("DescribeImages", paged.Xml!).Should().BeEmpty();
        answer.Xml!.Name.Should().Be(XName.Get("DescribeImagesResponse", "http://ec2.amazonaws.com/doc/2016-11-15/"));
        answer.Xml.Elements().First().Name.LocalName.Should().Be("requestId");
        var sample = XElement.Load(Path.Combine(ReferenceFolder, "samples", "ec2-DescribeImages-response.xml"));
        var sampleOrder = sample.Descendants().First(e => e.Name.LocalName == "item").Elements().Select(e => e.Name.LocalName).ToList();
        foreach (var item in answer.All("imagesSet").Single().Elements())
        {
            var names = item.Elements().Select(e => e.Name.LocalName).ToList();
            names.Where(sampleOrder.Contains).Should().Equal(sampleOrder.Where(names.Contains), "members the sample shows come in its order");
            names.Should().Contain(["imageId", "imageLocation", "imageState", "imageOwnerId", "creationDate", "isPublic", "architecture", "imageType", "name", "rootDeviceType", "virtualizationType", "tagSet"]);
        }

        answer.All("creationDate").Select(e => e.Value).Should().Equal("2026-11-01T10:00:00.000Z", "2026-10-01T10:00:00.000Z");
        answer.First("deprecationTime").Should().Be("2027-01-01T00:00:00.000Z");
    }

    [Fact]
    public async Task DescribeImagesError_Answer_ShapedAsTheEc2ErrorSample()
    {
        var answer = await _aws.Ec2Async("DescribeImages", ("ImageId.1", "ami-0000000f"));
        var sample = XElement.Load(Path.Combine(ReferenceFolder, "samples", "ec2-error-response.xml"));

        answer.Status.Should().Be(HttpStatusCode.BadRequest);
        Outline(answer.Xml!).Should().Be(Outline(sample));
        answer.ErrorCode.Should().Be("InvalidAMIID.NotFound");
    }

    [Theory]
    [InlineData("DescribeLoadBalancers")]
    [InlineData("DescribeListeners")]
    [InlineData("DescribeRules")]
    [InlineData("DescribeTargetGroups")]
    [InlineData("DescribeTargetHealth")]
    public async Task ElbDescribe_Answer_FitsTheElbv2Model(string action)
    {
        (string, string)[] parameters = action switch
        {
            "DescribeListeners" => [("LoadBalancerArn", _loadBalancer)],
            "DescribeRules" => [("ListenerArn", _listener)],
            "DescribeTargetHealth" => [("TargetGroupArn", _blue)],
            _ => [],
        };

        var answer = await _aws.ElbAsync(action, parameters);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        answer.Xml!.Name.Should().Be(XName.Get(action + "Response", "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"));
        WireModel.Elb.Problems(action, answer.Xml).Should().BeEmpty();
        answer.All("member").Should().NotBeEmpty();
    }

    [Fact]
    public async Task ElbModify_Answers_FitTheElbv2Model()
    {
        var listener = await _aws.ElbAsync("ModifyListener", ("ListenerArn", _listener));
        var rules = await _aws.ElbAsync("DescribeRules", ("ListenerArn", _listener));
        var ruleArn = rules.All("RuleArn").First().Value;
        var rule = await _aws.ElbAsync("ModifyRule", ("RuleArn", ruleArn), ("Conditions.member.1.Field", "http-header"),
            ("Conditions.member.1.HttpHeaderConfig.HttpHeaderName", "X-Stage"), ("Conditions.member.1.HttpHeaderConfig.Values.member.1", "green"));

        WireModel.Elb.Problems("ModifyListener", listener.Xml!).Should().BeEmpty();
        WireModel.Elb.Problems("ModifyRule", rule.Xml!).Should().BeEmpty();
    }

    [Fact]
    public async Task DescribeListeners_Answer_ShapedAsTheSample()
    {
        var seeded = _aws.State.SeedListener(_loadBalancer, 80, _blue);
        var answer = await _aws.ElbAsync("DescribeListeners", ("ListenerArns.member.1", seeded));
        var sample = XElement.Load(Path.Combine(ReferenceFolder, "samples", "elbv2-DescribeListeners-response.xml"));

        Outline(answer.Xml!).Should().Be(Outline(sample), "a one-group forward listener looks like the sample, plus the ForwardConfig ELBv2 reports today");
    }

    [Fact]
    public async Task DescribeTargetHealth_Answer_ShapedAsTheSample()
    {
        _aws.State.SeedTarget(_blue, "i-0000000b");
        var answer = await _aws.ElbAsync("DescribeTargetHealth", ("TargetGroupArn", _blue), ("Targets.member.1.Id", "i-0000000a"));
        var sample = XElement.Load(Path.Combine(ReferenceFolder, "samples", "elbv2-DescribeTargetHealth-response.xml"));

        Outline(answer.Xml!).Should().Be(Outline(sample));
        answer.First("HealthCheckPort").Should().Be("80");
    }

    [Fact]
    public async Task ElbError_Answer_ShapedAsTheElbErrorSample()
    {
        var answer = await _aws.ElbAsync("DescribeLoadBalancers", ("Names.member.1", "nope"));
        var sample = XElement.Load(Path.Combine(ReferenceFolder, "samples", "elb-error-response.xml"));

        Outline(answer.Xml!).Should().Be(Outline(sample));
        answer.ErrorCode.Should().Be("LoadBalancerNotFound");
        answer.First("Type").Should().Be("Sender");
    }

    /// <summary>The element tree by local names only (no text), one line per element, indented; ForwardConfig subtrees left out.</summary>
    private static string Outline(XElement element, int depth = 0)
    {
        var line = new string(' ', depth * 2) + element.Name.LocalName + "\n";
        return line + string.Concat(element.Elements().Where(e => e.Name.LocalName != "ForwardConfig").Select(child => Outline(child, depth + 1)));
    }

    /// <summary>Reads query-protocol XML against a botocore service model.</summary>
    private sealed class WireModel
    {
        private readonly JsonObject _model;
        private readonly bool _ec2;

        private WireModel(string file, bool ec2)
        {
            _model = JsonNode.Parse(File.ReadAllText(Path.Combine(ReferenceFolder, file)))!.AsObject();
            _ec2 = ec2;
        }

        public static WireModel Ec2 { get; } = new("ec2-2016-11-15.DescribeImages.service-2.json", ec2: true);

        public static WireModel Elb { get; } = new("elbv2-2015-12-01.service-2.json", ec2: false);

        private JsonObject Shape(string name) => _model["shapes"]![name]!.AsObject();

        /// <summary>Every way the answer departs from the operation's output shape (empty when it fits).</summary>
        public List<string> Problems(string operation, XElement root)
        {
            var problems = new List<string>();
            var output = _model["operations"]![operation]!["output"]!;
            if (root.Name.LocalName != operation + "Response")
            {
                problems.Add($"root is {root.Name.LocalName}");
            }

            if (_ec2)
            {
                CheckStructure((string)output["shape"]!, root, operation, problems, extra: ["requestId"]);
            }
            else
            {
                var children = root.Elements().Select(e => e.Name.LocalName).ToList();
                if (!children.SequenceEqual([(string)output["resultWrapper"]!, "ResponseMetadata"]))
                {
                    problems.Add("root children: " + string.Join(", ", children));
                }

                if (root.Elements().FirstOrDefault() is { } result)
                {
                    CheckStructure((string)output["shape"]!, result, operation, problems, extra: []);
                }

                if (root.Elements().LastOrDefault()?.Elements().SingleOrDefault() is not { } id || id.Name.LocalName != "RequestId" || id.Value.Length == 0)
                {
                    problems.Add("no ResponseMetadata/RequestId");
                }
            }

            return problems;
        }

        private void Check(string shapeName, XElement element, string path, List<string> problems)
        {
            var shape = Shape(shapeName);
            switch ((string)shape["type"]!)
            {
                case "structure":
                    CheckStructure(shapeName, element, path, problems, extra: []);
                    break;
                case "list":
                    var member = shape["member"]!;
                    var itemName = (string?)member["locationName"] ?? (_ec2 ? "item" : "member");
                    foreach (var item in element.Elements())
                    {
                        if (item.Name.LocalName != itemName)
                        {
                            problems.Add($"{path}: list item <{item.Name.LocalName}>, expected <{itemName}>");
                        }

                        Check((string)member["shape"]!, item, path + "/" + itemName, problems);
                    }

                    break;
                case "map":
                    foreach (var entry in element.Elements())
                    {
                        var parts = entry.Elements().Select(e => e.Name.LocalName).ToList();
                        if (entry.Name.LocalName != "entry" || !parts.SequenceEqual(["key", "value"]))
                        {
                            problems.Add($"{path}: map entry <{entry.Name.LocalName}> with {string.Join(",", parts)}");
                        }
                    }

                    break;
                default:
                    CheckScalar(shape, element, path, problems);
                    break;
            }
        }

        private void CheckStructure(string shapeName, XElement element, string path, List<string> problems, string[] extra)
        {
            var members = Shape(shapeName)["members"]!.AsObject();
            foreach (var child in element.Elements())
            {
                if (extra.Contains(child.Name.LocalName))
                {
                    continue;
                }

                var match = members.FirstOrDefault(m => ((string?)m.Value!["locationName"] ?? m.Key) == child.Name.LocalName);
                if (match.Value is null)
                {
                    problems.Add($"{path}: <{child.Name.LocalName}> is not a member of {shapeName}");
                    continue;
                }

                Check((string)match.Value["shape"]!, child, path + "/" + child.Name.LocalName, problems);
            }
        }

        private static void CheckScalar(JsonObject shape, XElement element, string path, List<string> problems)
        {
            if (element.HasElements)
            {
                problems.Add($"{path}: a {(string)shape["type"]!} with child elements");
                return;
            }

            var text = element.Value;
            var fits = (string)shape["type"]! switch
            {
                "integer" or "long" => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                    && (shape["min"] is null || number >= (long)shape["min"]!) && (shape["max"] is null || number <= (long)shape["max"]!),
                "boolean" => text is "true" or "false",
                "timestamp" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
                _ => shape["enum"] is not JsonArray values || values.Any(v => (string)v! == text),
            };
            if (!fits)
            {
                problems.Add($"{path}: '{text}' does not fit {shape.ToJsonString()}");
            }
        }
    }
}
