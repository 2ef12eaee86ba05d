using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

public class ElastigroupDocumentSaveTests
{
    public class TheToJsonStringMethod
    {
        [Theory]
        [InlineData("{\"a\":1.50}")]
        [InlineData("{\"a\":1e3}")]
        [InlineData("{\"a\":1E+3}")]
        [InlineData("{\"a\":-0}")]
        [InlineData("{\"a\":-0.0}")]
        [InlineData("{\"a\":0.0}")]
        [InlineData("{\"a\":12345678901234567890}")]
        [InlineData("{\"a\":-1.25e-7}")]
        [InlineData("{\"a\":123456789012345678901234567890.123456789012345678901234567890}")]
        [InlineData("{\"volumeSize\":\"80\",\"deleteOnTermination\":\"true\",\"risk\":\"100.0\"}")]
        [InlineData("{\"onDemandCount\":null,\"a\":[null,{\"b\":null}]}")]
        [InlineData("{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2}}")]
        [InlineData("{\"mesosphere\":{\"apiServer\":\"1.2.3.4\"},\"chef\":{\"pemKey\":\"Key\"},\"rightScale\":{\"accountId\":\"ID\"}}")]
        [InlineData("{\"createdAt\":\"2018-08-29T18:09:01.431+0000\",\"updatedAt\":\"2018-10-19T21:20:56.896Z\"}")]
        [InlineData("{\"a\":[],\"b\":{},\"c\":\"\",\"d\":[[]],\"e\":true,\"f\":false}")]
        [InlineData("{\"userData\":\"Pj4+Pz8/\",\"url\":\"/aws?a=1&b=<2>\",\"q\":\"it's\",\"u\":\"é ✓\"}")]
        [InlineData("{\"escapes\":\"a\\\"b\\\\c\\nd\\te\\u0001\"}")]
        public void ToJsonString_LoadedDocument_WritesCompactTextByteForByte(string json)
        {
            var document = ElastigroupDocument.Parse(json);

            document.ToJsonString().Should().Be(json);
            document.Clone().ToJsonString().Should().Be(json);
            document.Transform(new GroupDocumentTransform()).ToJsonString().Should().Be(json);
        }

        [Fact]
        public void ToJsonString_WhitespaceInInput_IsRemovedAndNothingElse()
        {
            var json = "{\n  \"group\" : {\n\t\"name\" :\"a b\" ,\r\n  \"capacity\": { \"target\" : 1.50 }\n  }\n}\n";

            ElastigroupDocument.Parse(json).ToJsonString().Should().Be("{\"group\":{\"name\":\"a b\",\"capacity\":{\"target\":1.50}}}");
        }

        [Fact]
        public void ToJsonString_Indented_UsesTwoSpacesAndLineFeeds()
        {
            var document = ElastigroupDocument.Parse("{\"group\":{\"name\":\"a\",\"capacity\":{\"target\":1e3},\"tags\":[]}}");

            document.ToJsonString(indented: true).Should().Be(
                "{\n  \"group\": {\n    \"name\": \"a\",\n    \"capacity\": {\n      \"target\": 1e3\n    },\n    \"tags\": []\n  }\n}");
        }

        [Fact]
        public void ToJsonString_EscapedStringsInInput_NormalisesEscapesButKeepsStrings()
        {
            var json = "{\"s\":\"\\u00e9\\/\\u0041\",\"emoji\":\"😀\",\"\\u006e\":1}";

            var saved = ElastigroupDocument.Parse(json).ToJsonString();

            saved.Should().Be("{\"s\":\"é/A\",\"emoji\":\"\\uD83D\\uDE00\",\"n\":1}");
            JsonTree.FindDifference(JsonTree.Parse(json), JsonTree.Parse(saved), orderSensitive: true).Should().BeNull();
        }

        [Fact]
        public void ToJsonString_Wrapped_KeepsWrapper()
        {
            ElastigroupDocument.Parse("{ \"group\" : { } }").ToJsonString().Should().Be("{\"group\":{}}");
        }
    }

    public class TheToRequestBodyMethod
    {
        [Theory]
        [InlineData("{\"name\":\"a\",\"x\":1.50}")]
        [InlineData("{\"group\":{\"name\":\"a\",\"x\":1.50}}")]
        public void ToRequestBody_BareOrWrapped_IsWrappedOnce(string json)
        {
            var body = ElastigroupDocument.Parse(json).ToRequestBody();

            body.ToJsonString().Should().Be("{\"group\":{\"name\":\"a\",\"x\":1.50}}");
        }

        [Fact]
        public void ToRequestBody_Changed_DoesNotChangeDocument()
        {
            var document = ElastigroupDocument.Parse("{\"name\":\"a\"}");

            var body = document.ToRequestBody();
            body["group"]!["name"] = "b";

            document.Name.Should().Be("a");
        }
    }

    public class TheWriteToMethod
    {
        [Fact]
        public void WriteTo_Writer_WritesDocumentWithWritersSettings()
        {
            var document = ElastigroupDocument.Parse("{\"group\":{\"n\":1.50,\"u\":\"a+b\"}}");
            var buffer = new ArrayBufferWriter<byte>();

            using (var writer = new Utf8JsonWriter(buffer))
            {
                document.WriteTo(writer);
            }

            var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            text.Should().Be("{\"group\":{\"n\":1.50,\"u\":\"a\\u002Bb\"}}", "the caller's writer uses the default encoder");
            JsonTree.FindDifference(JsonTree.Parse(document.ToJsonString()), JsonTree.Parse(text)).Should().BeNull();
        }

        [Fact]
        public void WriteTo_InsideAnotherDocument_WritesOneValue()
        {
            var buffer = new ArrayBufferWriter<byte>();

            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                ElastigroupDocument.Parse("{\"a\":1}").WriteTo(writer);
                ElastigroupDocument.Parse("{\"group\":{\"b\":2}}").WriteTo(writer);
                writer.WriteEndArray();
            }

            Encoding.UTF8.GetString(buffer.WrittenSpan).Should().Be("[{\"a\":1},{\"group\":{\"b\":2}}]");
        }

        [Fact]
        public void WriteTo_Null_ThrowsArgumentNullException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").WriteTo(null!)).Should().Throw<ArgumentNullException>();
        }
    }

    public class TheCloneMethod
    {
        [Fact]
        public void Clone_Changed_DoesNotChangeOriginal()
        {
            var original = ElastigroupDocument.Parse("{\"group\":{\"capacity\":{\"target\":\"2\"}}}");

            var clone = original.Clone();
            clone.Group["capacity"]!["target"] = 5;
            clone.Group.Add("name", JsonValue.Create("x"));

            clone.IsWrapped.Should().BeTrue();
            original.ToJsonString().Should().Be("{\"group\":{\"capacity\":{\"target\":\"2\"}}}");
            clone.ToJsonString().Should().Be("{\"group\":{\"capacity\":{\"target\":5},\"name\":\"x\"}}");
        }

        [Fact]
        public void Clone_DocumentFromGroupWithParent_IsDetachedCopy()
        {
            var response = JsonTree.Parse("{\"items\":[{\"name\":\"a\"}]}")!;
            var document = ElastigroupDocument.FromGroup(response["items"]![0]!.AsObject());

            var clone = document.Clone();

            clone.Group.Parent.Should().BeNull();
            clone.Group.Should().NotBeSameAs(document.Group);
            clone.ToJsonString().Should().Be("{\"name\":\"a\"}");
        }
    }
}
