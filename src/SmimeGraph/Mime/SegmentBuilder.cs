using System.Buffers;

namespace SmimeGraph.Mime;

/// <summary>Collects header and body bytes, cutting a new segment at each attachment.</summary>
internal sealed class SegmentBuilder
{
    private readonly List<BodySegment> _segments = [];

    public ArrayBufferWriter<byte> Text { get; private set; } = new(1024);

    public void Ascii(string text) => HeaderWriter.WriteAscii(Text, text);

    public void Bytes(ReadOnlySpan<byte> bytes) => Text.Write(bytes);

    public void Content(MimeAttachment attachment)
    {
        Cut();
        _segments.Add(new BodySegment(null, attachment));
    }

    public List<BodySegment> Complete()
    {
        Cut();
        return _segments;
    }

    private void Cut()
    {
        if (Text.WrittenCount > 0)
        {
            _segments.Add(new BodySegment(Text.WrittenSpan.ToArray(), null));
            Text = new ArrayBufferWriter<byte>(1024);
        }
    }
}
