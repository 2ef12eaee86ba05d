using System.Text;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

/// <summary>
/// A document is sent to Spot and stored in the deployment's journal, so its size and nesting are bounded when it is read
/// (<see cref="ElastigroupDocument.MaxSizeBytes"/>, <see cref="ElastigroupDocument.MaxDepth"/>), not in the middle of a run.
/// </summary>
public sealed class DocumentLimitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spot-deploy-limits-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary><c>{"a":{"a":…{"a":1}…}}</c> with <paramref name="depth"/> nested objects, the root included.</summary>
    private static string Nested(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>A valid bare group of exactly <paramref name="bytes"/> UTF-8 bytes (the description pads it).</summary>
    private static string OfSize(int bytes)
    {
        const string Head = "{\"name\":\"app\",\"description\":\"";
        const string Tail = "\"}";
        return Head + new string('x', bytes - Head.Length - Tail.Length) + Tail;
    }

    [Fact]
    public void Limits_AreOneMebibyteAndThirtyTwoLevels()
    {
        ElastigroupDocument.MaxSizeBytes.Should().Be(1_048_576);
        ElastigroupDocument.MaxDepth.Should().Be(32);
    }

    [Fact]
    public void Parse_ExactlyTheMaximumDepth_Loads()
    {
        var document = ElastigroupDocument.Parse(Nested(ElastigroupDocument.MaxDepth));

        document.ToJsonString().Should().Be(Nested(ElastigroupDocument.MaxDepth));
    }

    [Fact]
    public void Parse_OneLevelTooDeep_IsRefusedWithThePathLineAndColumn()
    {
        var error = FluentActions.Invoking(() => ElastigroupDocument.Parse(Nested(ElastigroupDocument.MaxDepth + 1)))
            .Should().Throw<ElastigroupDocumentException>().Which;

        var path = "$" + string.Concat(Enumerable.Repeat(".a", 32));
        error.JsonPath.Should().Be(path);
        (error.LineNumber, error.Column).Should().Be((1L, 32L * 5 + 1));
        error.Message.Should().Be(
            $"The Elastigroup document nests objects and arrays more than 32 levels deep (at {path}, line 1, column 161): the deployment's journal nests the document further and could not store it. Real group documents nest fewer than 10 levels.");
    }

    [Fact]
    public void LoadFile_SixtyLevels_TheIssuesDocument_IsRefusedAtLoad()
    {
        var path = Path.Combine(_directory, "deep.json");
        File.WriteAllText(path, "{\"group\":" + Nested(59) + "}");

        var error = FluentActions.Invoking(() => ElastigroupDocument.LoadFile(path)).Should().Throw<ElastigroupDocumentException>().Which;

        error.Message.Should().StartWith($"The Elastigroup document '{path}' nests objects and arrays more than 32 levels deep");
    }

    [Fact]
    public void Parse_ExactlyTheMaximumSize_Loads()
    {
        var text = OfSize(ElastigroupDocument.MaxSizeBytes);

        ElastigroupDocument.Parse(text).Name.Should().Be("app");
        ElastigroupDocument.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))).Name.Should().Be("app");
    }

    [Fact]
    public void Parse_OneByteTooLarge_IsRefusedWithTheSize()
    {
        var error = FluentActions.Invoking(() => ElastigroupDocument.Parse(OfSize(ElastigroupDocument.MaxSizeBytes + 1)))
            .Should().Throw<ElastigroupDocumentException>().Which;

        error.Message.Should().Be(
            "The Elastigroup document is 1048577 bytes, more than the 1048576 bytes (1 MiB) a group document may have: it is sent to Spot and kept in the deployment's journal. Real group documents are a few kilobytes (EC2 user data is at most 16 KB).");
        error.JsonPath.Should().BeNull();
    }

    [Fact]
    public void Parse_MultiByteCharacters_CountInBytes()
    {
        // 600,000 'é' are 1,200,000 UTF-8 bytes, though only 600,000 characters.
        var text = "{\"name\":\"" + new string('é', 600_000) + "\"}";

        FluentActions.Invoking(() => ElastigroupDocument.Parse(text)).Should().Throw<ElastigroupDocumentException>().WithMessage("*is 1200011 bytes*");
    }

    [Fact]
    public void LoadFile_FiftyMegabytes_IsRefusedWithoutBeingRead()
    {
        var path = Path.Combine(_directory, "huge.json");
        using (var file = File.Create(path))
        {
            file.SetLength(50L * 1024 * 1024);
        }

        var error = FluentActions.Invoking(() => ElastigroupDocument.LoadFile(path)).Should().Throw<ElastigroupDocumentException>().Which;

        error.Message.Should().StartWith($"The Elastigroup document '{path}' is 52428800 bytes, more than the 1048576 bytes (1 MiB)");
    }

    [Fact]
    public void Load_AnEndlessStream_StopsReadingJustPastTheLimit()
    {
        using var stream = new EndlessStream();

        FluentActions.Invoking(() => ElastigroupDocument.Load(stream)).Should().Throw<ElastigroupDocumentException>().WithMessage("*more than the 1048576 bytes*");
        stream.BytesRead.Should().BeLessThan(ElastigroupDocument.MaxSizeBytes + 100_000, "reading stops at the first chunk past the limit");
    }

    /// <summary>Spaces without end, counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
