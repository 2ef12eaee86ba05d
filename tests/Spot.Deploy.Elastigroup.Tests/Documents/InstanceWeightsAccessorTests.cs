namespace Spot.Deploy.Elastigroup.Tests.Documents;

/// <summary><c>compute.instanceTypes</c> and its <c>weights</c>: what a capacity in weight units is counted in.</summary>
public class InstanceWeightsAccessorTests
{
    [Fact]
    public void InstanceTypes_EveryListInDocumentOrder_WithoutRepeats()
    {
        var document = ElastigroupDocument.Parse("""
            {"group":{"compute":{"instanceTypes":{"ondemand":"c5.large","spot":["c5.large","c5.xlarge"],"preferredSpot":["c5.xlarge"],"onDemandTypes":["m5.large"]}}}}
            """);

        document.InstanceTypes.Should().Equal("c5.large", "m5.large", "c5.xlarge");
    }

    [Fact]
    public void InstanceTypes_NoSection_IsEmpty()
    {
        ElastigroupDocument.Parse("""{"name":"app"}""").InstanceTypes.Should().BeEmpty();
    }

    [Fact]
    public void InstanceTypeWeights_ReadsEveryEntry_NumbersAsStringsIncluded()
    {
        var document = ElastigroupDocument.Parse("""
            {"compute":{"instanceTypes":{"weights":[{"instanceType":"c5.large","weightedCapacity":2},{"instanceType":"c5.xlarge","weightedCapacity":"4"}]}}}
            """);

        document.InstanceTypeWeights.Should().Equal(new Dictionary<string, int> { ["c5.large"] = 2, ["c5.xlarge"] = 4 });
    }

    [Fact]
    public void InstanceTypeWeights_Absent_IsNull()
    {
        ElastigroupDocument.Parse("""{"compute":{"instanceTypes":{"spot":["c5.large"]}}}""").InstanceTypeWeights.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"compute":{"instanceTypes":{"weights":{}}}}""", "$.compute.instanceTypes.weights")]
    [InlineData("""{"compute":{"instanceTypes":{"weights":[{"weightedCapacity":2}]}}}""", "$.compute.instanceTypes.weights[0]")]
    [InlineData("""{"compute":{"instanceTypes":{"weights":[{"instanceType":"c5.large","weightedCapacity":"two"}]}}}""", "$.compute.instanceTypes.weights[0].weightedCapacity")]
    [InlineData("""{"compute":{"instanceTypes":{"weights":[{"instanceType":"a","weightedCapacity":1},{"instanceType":"a","weightedCapacity":2}]}}}""", "$.compute.instanceTypes.weights[1]")]
    public void InstanceTypeWeights_Malformed_NamesThePath(string json, string path)
    {
        var document = ElastigroupDocument.Parse(json);

        var act = () => document.InstanceTypeWeights;

        act.Should().Throw<ElastigroupDocumentException>().Where(e => e.JsonPath == path);
    }
}
