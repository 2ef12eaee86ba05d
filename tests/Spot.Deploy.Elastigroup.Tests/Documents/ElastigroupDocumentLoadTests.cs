using System.Text;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

public class ElastigroupDocumentLoadTests
{
    public class TheParseMethod
    {
        [Fact]
        public void Parse_WrappedGroup_RemembersWrapping()
        {
            var document = ElastigroupDocument.Parse("{\"group\": {\"name\": \"app\"}}");

            document.IsWrapped.Should().BeTrue();
            document.Name.Should().Be("app");
            document.Group.ToJsonString().Should().Be("{\"name\":\"app\"}");
            document.ToJsonString().Should().Be("{\"group\":{\"name\":\"app\"}}");
        }

        [Fact]
        public void Parse_BareGroup_StaysBare()
        {
            var document = ElastigroupDocument.Parse("{\"name\": \"app\"}");

            document.IsWrapped.Should().BeFalse();
            document.Name.Should().Be("app");
            document.ToJsonString().Should().Be("{\"name\":\"app\"}");
        }

        [Fact]
        public void Parse_EmptyObject_IsAnEmptyBareGroup()
        {
            var document = ElastigroupDocument.Parse("{}");

            document.IsWrapped.Should().BeFalse();
            document.Group.Count.Should().Be(0);
        }

        [Fact]
        public void Parse_LeadingByteOrderMark_IsIgnored()
        {
            ElastigroupDocument.Parse("\uFEFF{\"name\":\"app\"}").ToJsonString().Should().Be("{\"name\":\"app\"}");
        }

        [Fact]
        public void Parse_Null_ThrowsArgumentNullException()
        {
            var parse = () => ElastigroupDocument.Parse(null!);

            parse.Should().Throw<ArgumentNullException>();
        }

        public static TheoryData<string, string, string?, long?, long?> InvalidDocuments => new()
        {
            // text, part of the message, JSON path, line, column
            { "", "is empty", null, null, null },
            { " \r\n\t ", "is empty", null, null, null },
            { "not json", "is not valid JSON at line 1, column 2: 'not json' is an invalid JSON literal.", null, 1, 2 },
            { "[]", "must be a JSON object, either the group itself or {\"group\": {…}}, but it is an array (at $)", "$", null, null },
            { "\"group\"", "but it is a string", "$", null, null },
            { "42", "but it is a number", "$", null, null },
            { "null", "but it is null", "$", null, null },
            { "true", "but it is a boolean", "$", null, null },
            { "{\"group\": \"x\"}", "has a \"group\" property that is a string (at $.group): it must be an object", "$.group", null, null },
            { "{\"group\": null}", "has a \"group\" property that is null", "$.group", null, null },
            { "{\"group\": []}", "has a \"group\" property that is an array", "$.group", null, null },
            { "{\"group\": {}, \"name\": \"x\"}", "has a \"group\" property and also \"name\" (at $.name)", "$.name", null, null },
            { "{\"name\": \"a\", \"name\": \"b\"}", "repeats the property \"name\" (at $.name, line 1, column 15)", "$.name", 1, 15 },
            { "{\n  \"group\": {\n    \"capacity\": {\"target\": 1, \"target\": 2}\n  }\n}", "repeats the property \"target\" (at $.group.capacity.target, line 3, column 31)", "$.group.capacity.target", 3, 31 },
            { "{\"a\": [{\"b\": 1}, {\"b\": 2, \"b\": 3}]}", "repeats the property \"b\" (at $.a[1].b", "$.a[1].b", 1, 27 },
            { "{\"Name\": \"a\", \"name\": \"b\", \"name\": \"c\"}", "repeats the property \"name\"", "$.name", 1, 28 },
            { "{\"name\": \"a\",}", "is not valid JSON at line 1, column 14 near $.name: a trailing comma before '}' is not allowed.", "$.name", 1, 14 },
            { "{\"a\": [1, 2,\n]}", "is not valid JSON at line 2, column 1 near $.a[1]: a trailing comma before ']' is not allowed.", "$.a[1]", 2, 1 },
            { "{\n  // the group\n  \"name\": \"a\"\n}", "is not valid JSON at line 2, column 3 near $: comments are not allowed", "$", 2, 3 },
            { "{\"name\": /* x */ \"a\"}", "is not valid JSON at line 1, column 10 near $.name: comments are not allowed", "$.name", 1, 10 },
            { "{\"name\": \"a\"", "is not valid JSON at line 1, column 13 near $.name: the text ends before every object and array in it is closed.", "$.name", 1, 13 },
            { "{\"a\": [1,\n  {\"b\": 2}\n\n", "is not valid JSON at line 4, column 1 near $.a[1]: the text ends before every object and array in it is closed.", "$.a[1]", 4, 1 },
            { "{} {}", "is not valid JSON at line 1, column 4", null, 1, 4 },
            { "{'name': 'a'}", "is not valid JSON at line 1, column 2 near $", "$", 1, 2 },
            { "{name: \"a\"}", "is not valid JSON at line 1, column 2 near $", "$", 1, 2 },
            { "{\"a\": NaN}", "is not valid JSON at line 1, column 7 near $.a", "$.a", 1, 7 },
            { "{\"a\": 01}", "is not valid JSON", "$.a", 1, 8 },
            { "{\"name\": \"\\ud800\"}", "holds a string that is not valid Unicode (at $.name, line 1, column 10)", "$.name", 1, 10 },
            { "{\"n\\udc00\": 1}", "holds a string that is not valid Unicode (at $, line 1, column 2)", "$", 1, 2 },
            { "{\"é\": 1, \"é\": 2}", "repeats the property \"é\" (at $['é'], line 1, column 10)", "$['é']", 1, 10 },
        };

        [Theory]
        [MemberData(nameof(InvalidDocuments))]
        public void Parse_InvalidDocument_ThrowsWithWhereAndWhy(string json, string message, string? path, long? line, long? column)
        {
            var parse = () => ElastigroupDocument.Parse(json);

            var error = parse.Should().Throw<ElastigroupDocumentException>().Which;
            error.Message.Should().StartWith("The Elastigroup document ").And.Contain(message);
            error.JsonPath.Should().Be(path);
            error.LineNumber.Should().Be(line);
            error.Column.Should().Be(column);
            error.Should().BeAssignableTo<FormatException>();
            error.Message.Should().NotContain("BytePositionInLine", "positions are reported 1-based by us, not 0-based by System.Text.Json");
        }

        [Fact]
        public void Parse_StringWithUnpairedSurrogateCharacter_ThrowsInsteadOfWritingReplacementCharacter()
        {
            // Not theory data: xUnit replaces an unpaired surrogate in serialized test data with U+FFFD.
            var error = FluentActions.Invoking(() => ElastigroupDocument.Parse("{\n\"name\": \"a\uD800\"}"))
                .Should().Throw<ElastigroupDocumentException>().Which;

            error.Message.Should().Be("The Elastigroup document holds an unpaired surrogate character (line 2, column 11): it is not valid Unicode and could not be sent or saved unchanged.");
            (error.LineNumber, error.Column).Should().Be((2L, 11L));
        }

        [Fact]
        public void Parse_TooDeep_ThrowsWithPosition()
        {
            var json = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 64)) + string.Concat(Enumerable.Repeat("]", 64)) + "}";

            var error = FluentActions.Invoking(() => ElastigroupDocument.Parse(json)).Should().Throw<ElastigroupDocumentException>().Which;

            error.Message.Should().Contain("more than 32 levels deep");
            error.LineNumber.Should().Be(1);
            error.Column.Should().Be(37, "the 33rd level opens at column 37: {\"a\": and 31 brackets before it");
        }

        [Fact]
        public void Parse_DuplicateAfterLongTextWithMultiByteCharacters_ReportsCharacterColumn()
        {
            var error = FluentActions.Invoking(() => ElastigroupDocument.Parse("{\"d\": \"ééé\", \"d\": 1}"))
                .Should().Throw<ElastigroupDocumentException>().Which;

            error.Column.Should().Be(14, "columns count characters as editors do, not UTF-8 bytes");
        }
    }

    public class TheLoadMethod
    {
        [Fact]
        public void Load_Utf8StreamWithByteOrderMark_ReadsDocumentAndLeavesStreamOpen()
        {
            using var stream = new MemoryStream([0xEF, 0xBB, 0xBF, .. "{\"group\":{\"name\":\"é\"}}"u8]);

            var document = ElastigroupDocument.Load(stream);

            document.IsWrapped.Should().BeTrue();
            document.Name.Should().Be("é");
            stream.CanRead.Should().BeTrue();
        }

        [Fact]
        public void Load_StreamAtOffset_ReadsFromCurrentPosition()
        {
            using var stream = new MemoryStream("xx{\"name\":\"a\"}"u8.ToArray());
            stream.Position = 2;

            ElastigroupDocument.Load(stream).Name.Should().Be("a");
        }

        [Fact]
        public void Load_InvalidUtf8InString_Throws()
        {
            using var stream = new MemoryStream([.. "{\"name\": \""u8, 0xFF, .. "\"}"u8]);

            var error = FluentActions.Invoking(() => ElastigroupDocument.Load(stream)).Should().Throw<ElastigroupDocumentException>().Which;

            error.Message.Should().Contain("not valid Unicode");
            error.JsonPath.Should().Be("$.name");
        }

        [Fact]
        public void Load_RepeatedProperty_Throws()
        {
            using var stream = new MemoryStream("{\"group\":{\"id\":\"a\",\"id\":\"b\"}}"u8.ToArray());

            FluentActions.Invoking(() => ElastigroupDocument.Load(stream)).Should().Throw<ElastigroupDocumentException>()
                .Which.JsonPath.Should().Be("$.group.id");
        }

        [Fact]
        public void Load_Null_ThrowsArgumentNullException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Load(null!)).Should().Throw<ArgumentNullException>();
        }
    }

    public class TheLoadFileMethod : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("spot-deploy-documents-").FullName;

        public void Dispose()
        {
            Directory.Delete(_directory, recursive: true);
            GC.SuppressFinalize(this);
        }

        [Fact]
        public void LoadFile_FileWithByteOrderMark_ReadsDocument()
        {
            var path = Path.Combine(_directory, "group.json");
            File.WriteAllText(path, "{\"group\":{\"name\":\"app\"}}", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var document = ElastigroupDocument.LoadFile(path);

            document.IsWrapped.Should().BeTrue();
            document.ToJsonString().Should().Be("{\"group\":{\"name\":\"app\"}}");
        }

        [Fact]
        public void LoadFile_InvalidFile_MessageNamesTheFile()
        {
            var path = Path.Combine(_directory, "broken.json");
            File.WriteAllText(path, "{\n  \"name\": \"app\",\n}");

            var error = FluentActions.Invoking(() => ElastigroupDocument.LoadFile(path)).Should().Throw<ElastigroupDocumentException>().Which;

            error.Message.Should().Be($"The Elastigroup document '{path}' is not valid JSON at line 3, column 1 near $.name: a trailing comma before '}}' is not allowed.");
            error.LineNumber.Should().Be(3);
        }

        [Fact]
        public void LoadFile_MissingFile_ThrowsFileNotFoundException()
        {
            var load = () => ElastigroupDocument.LoadFile(Path.Combine(_directory, "missing.json"));

            load.Should().Throw<FileNotFoundException>();
        }

        [Fact]
        public void LoadFile_EmptyPath_ThrowsArgumentException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.LoadFile("")).Should().Throw<ArgumentException>();
        }
    }

    public class TheFromGroupMethod
    {
        [Fact]
        public void FromGroup_GroupObject_UsesTheLiveObject()
        {
            var group = new JsonObject { ["name"] = "app" };

            var document = ElastigroupDocument.FromGroup(group);
            group["name"] = "renamed";

            document.Group.Should().BeSameAs(group);
            document.Name.Should().Be("renamed");
            document.IsWrapped.Should().BeFalse();
        }

        [Fact]
        public void FromGroup_ObjectInsideAnotherTree_CanBeTransformedAndSaved()
        {
            var response = JsonTree.Parse("{\"items\":[{\"id\":\"sig-1\",\"name\":\"a\"}]}")!;

            var document = ElastigroupDocument.FromGroup(response["items"]![0]!.AsObject());

            document.ToJsonString().Should().Be("{\"id\":\"sig-1\",\"name\":\"a\"}");
            document.ToRequestBody().ToJsonString().Should().Be("{\"group\":{\"id\":\"sig-1\",\"name\":\"a\"}}");
            document.Transform(new GroupDocumentTransform { RemoveReadOnlyFields = true }).ToJsonString().Should().Be("{\"name\":\"a\"}");
        }

        [Fact]
        public void FromGroup_WrappedObject_ThrowsArgumentException()
        {
            var wrapped = new JsonObject { ["group"] = new JsonObject() };

            FluentActions.Invoking(() => ElastigroupDocument.FromGroup(wrapped)).Should().Throw<ArgumentException>()
                .WithMessage("*wrapped document*")
                .Which.ParamName.Should().Be("group");
        }

        [Fact]
        public void FromGroup_Null_ThrowsArgumentNullException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.FromGroup(null!)).Should().Throw<ArgumentNullException>();
        }
    }
}
