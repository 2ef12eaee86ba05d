using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

/// <summary>The comparer the lossless tests rely on must itself see every difference they care about.</summary>
public class JsonTreeTests
{
    [Theory]
    [InlineData("{\"a\":1,\"b\":[true,false,null,\"x\",{\"c\":1.50}]}")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("\"\"")]
    [InlineData("12345678901234567890")]
    public void FindDifference_SameText_ReturnsNull(string json)
    {
        JsonTree.FindDifference(JsonTree.Parse(json), JsonTree.Parse(json), orderSensitive: true).Should().BeNull();
    }

    [Theory]
    [InlineData("{\"a\":1.50}", "{\"a\":1.5}", "$.a: expected number 1.50, found number 1.5")]
    [InlineData("{\"a\":1e3}", "{\"a\":1000}", "$.a: expected number 1e3, found number 1000")]
    [InlineData("{\"a\":0}", "{\"a\":-0}", "$.a: expected number 0, found number -0")]
    [InlineData("{\"a\":\"80\"}", "{\"a\":80}", "$.a: expected string \"80\", found number 80")]
    [InlineData("{\"a\":\"true\"}", "{\"a\":true}", "$.a: expected string \"true\", found true")]
    [InlineData("{\"a\":null}", "{\"a\":\"null\"}", "$.a: expected null, found string \"null\"")]
    [InlineData("{\"a\":null}", "{}", "$: property \"a\" is missing")]
    [InlineData("{}", "{\"a\":null}", "$: unexpected property \"a\"")]
    [InlineData("{\"a\":\"x\"}", "{\"a\":\"X\"}", "$.a: expected string \"x\", found string \"X\"")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[2,1]}", "$.a[0]: expected number 1, found number 2")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[1,2,3]}", "$.a: expected 2 elements, found 3")]
    [InlineData("{\"a\":{\"b\":[{\"c\":false}]}}", "{\"a\":{\"b\":[{\"c\":true}]}}", "$.a.b[0].c: expected false, found true")]
    [InlineData("{\"a\":{}}", "{\"a\":[]}", "$.a: expected an object, found an array")]
    public void FindDifference_DifferentTrees_DescribesFirstDifference(string expected, string actual, string difference)
    {
        JsonTree.FindDifference(JsonTree.Parse(expected), JsonTree.Parse(actual)).Should().Be(difference);
        JsonTree.AreEqual(JsonTree.Parse(expected), JsonTree.Parse(actual)).Should().BeFalse();
        JsonTree.AreEqual(JsonTree.Parse(actual), JsonTree.Parse(expected)).Should().BeFalse();
    }

    [Fact]
    public void AreEqual_SamePropertiesInOtherOrder_IsTrueButInOrderIsFalse()
    {
        var expected = JsonTree.Parse("{\"a\":1,\"b\":{\"x\":1,\"y\":2}}");
        var actual = JsonTree.Parse("{\"a\":1,\"b\":{\"y\":2,\"x\":1}}");

        JsonTree.AreEqual(expected, actual).Should().BeTrue();
        JsonTree.AreEqualInOrder(expected, actual).Should().BeFalse();
        JsonTree.FindDifference(expected, actual, orderSensitive: true).Should().StartWith("$.b: property order differs at position 0");
    }

    [Fact]
    public void FindDifference_NumberCreatedInCode_ComparesByItsJsonText()
    {
        JsonTree.FindDifference(JsonTree.Parse("0"), JsonValue.Create(0)).Should().BeNull();
        JsonTree.FindDifference(JsonTree.Parse("0.0"), JsonValue.Create(0)).Should().NotBeNull();
    }

    [Fact]
    public void Parse_RepeatedProperty_Throws()
    {
        var parse = () => JsonTree.Parse("{\"a\":1,\"a\":2}");

        parse.Should().Throw<System.Text.Json.JsonException>();
    }

    [Theory]
    [InlineData("{ \"a\" : [ 1 , \"b c\" ] }", "{\"a\":[1,\"b c\"]}")]
    [InlineData("{\r\n\t\"a\\\" b\": \"x \\\\\" }", "{\"a\\\" b\":\"x \\\\\"}")]
    [InlineData("\"  \"", "\"  \"")]
    public void Minify_Whitespace_RemovedOnlyOutsideStrings(string json, string compact)
    {
        JsonTree.Minify(json).Should().Be(compact);
    }
}
