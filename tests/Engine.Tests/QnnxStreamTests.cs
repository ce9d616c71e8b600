using Xunit;
using Qnn.Engine.Format;

namespace Qnn.Engine.Tests;

/// <summary>How the reader takes its stream: from its position, seekable or not, and never past the file limit.</summary>
public class QnnxStreamTests
{
    /// <summary>A stream that claims <paramref name="length"/> bytes of zeros, holding none.</summary>
    private sealed class ClaimedStream(long length, bool seekable) : Stream
    {
        private long position;
        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? length : throw new NotSupportedException();
        public override long Position { get => position; set => position = value; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - position);
            Array.Clear(buffer, offset, n);
            position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A non-seekable view of some bytes.</summary>
    private sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public void A_file_past_the_limit_is_refused_before_it_is_read()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<QnnxFormatException>(() => QnnxFormat.Read(new ClaimedStream(3_000_000_000, seekable: true)));
        Assert.Equal("the file has 3000000000 bytes; a .qnnx file holds at most 2000000000", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_read_whole_and_from_its_position()
    {
        var model = QnnxTestModels.BinaryMlp();
        var bytes = QnnxBytes.Of(model);
        Assert.Equal(bytes, QnnxBytes.Of(QnnxFormat.Read(new ForwardOnly(bytes))));
        var offset = new MemoryStream(new byte[] { 1, 2, 3 }.Concat(bytes).ToArray()) { Position = 3 };
        Assert.Equal(bytes, QnnxBytes.Of(QnnxFormat.Read(offset)));
    }
}
