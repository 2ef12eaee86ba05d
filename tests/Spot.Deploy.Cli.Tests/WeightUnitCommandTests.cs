using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>A document in weight units is checked before any change, and waits say "weight units".</summary>
public sealed class WeightUnitCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spot-deploy-cli-weights-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Deploy_WeightUnitWithoutWeights_ExitsThreeWithOneLineNamingTheField()
    {
        var path = Path.Combine(_directory, "weighted.json");
        await File.WriteAllTextAsync(path, """
            {"group":{"name":"web","capacity":{"minimum":1,"target":4,"maximum":8,"unit":"weight"},
             "compute":{"product":"Linux/UNIX","instanceTypes":{"ondemand":"c5.large","spot":["c5.large"]},
                        "launchSpecification":{"imageId":"ami-0123456789abcdef0"}}}}
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(["deploy", "basic", "--app", "web", "--emulator", "--document", path], output, error);

        code.Should().Be(ExitCodes.InvalidInput, error.ToString());
        error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Contain("Document.compute.instanceTypes.weights").And.Contain("no compute.instanceTypes.weights");
    }

    [Fact]
    public void Text_AWaitInWeightUnits_SaysSo()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);
        var t0 = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        writer.Report(new InstancesProgressEvent(t0, "sig-1", 4, 6, 8, 1) { Unit = "weight" });
        writer.Report(new InstancesProgressEvent(t0, "sig-2", 1, 1, 2, 1));

        output.ToString().Should().Contain("sig-1: 4/8 weight units healthy (6 running)").And.Contain("sig-2: 1/2 healthy (1 running)");
    }

    [Fact]
    public void Json_AWait_CarriesItsUnit_InstanceOrWeight()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Json);
        var t0 = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        writer.Report(new InstancesProgressEvent(t0, "sig-1", 4, 6, 8, 1) { Unit = "weight" });
        writer.Report(new InstancesProgressEvent(t0, "sig-2", 1, 1, 2, 1));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        lines.Select(l => (string?)l["event"]).Should().Equal("InstancesProgress", "InstancesProgress");
        lines.Select(l => (string?)l["unit"]).Should().Equal("weight", "instance");
        ((int?)lines[0]["healthy"]).Should().Be(4, "in weight units, the healthy instances' weights summed");
    }
}
