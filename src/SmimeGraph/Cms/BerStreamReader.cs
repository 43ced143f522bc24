using System.Buffers;
using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// Reads BER (X.690 §8) from a stream, one element header at a time, so that a CMS structure can
/// be walked as it arrives: the small elements around the content (algorithms, RecipientInfos,
/// SignerInfos) are read whole, up to a size limit, and the content OCTET STRING, primitive or
/// constructed in any number of segments (X.690 §8.7.3), is handed on as a stream. Only
/// single-byte tags are accepted: CMS uses no others at the positions read this way.
/// </summary>
internal sealed class BerStreamReader : IDisposable
{
    private const int MaxNesting = 32;

    private readonly Stream _source;
    private byte[] _buffer = CryptoPool.Rent(8 * 1024);
    private int _start;
    private int _end;
    private int _highWater;
    private bool _eof;
    private ArrayBufferWriter<byte>? _recording;
    private int _recordingLimit;

    public BerStreamReader(Stream source)
    {
        _source = source;
    }

    /// <summary>The bytes read so far.</summary>
    public long Position { get; private set; }

    /// <summary>One element header: its tag byte, its content length (-1 when indefinite), and where its content starts.</summary>
    public readonly record struct Header(byte Tag, long Length, long ContentStart)
    {
        public bool IsConstructed => (Tag & 0x20) != 0;

        public bool IsIndefinite => Length < 0;

        public long End => ContentStart + Length;
    }

    /// <summary>
    /// From now on, keeps a copy of every byte read (up to <paramref name="limit"/>; one more is a
    /// <see cref="CmsFormatException"/>), for a caller that may need the whole structure after all.
    /// </summary>
    public void StartRecording(int limit)
    {
        _recording = new ArrayBufferWriter<byte>();
        _recordingLimit = limit;
    }

    /// <summary>Stops recording and returns what was recorded.</summary>
    public byte[] StopRecording()
    {
        byte[] recorded = _recording?.WrittenSpan.ToArray() ?? [];
        if (_recording is not null)
        {
            _recording.Clear();
            _recording = null;
        }

        return recorded;
    }

    /// <summary>Reads an element header (X.690 §8.1.2, §8.1.3).</summary>
    public Header ReadHeader()
    {
        byte tag = ReadByte();
        if ((tag & 0x1F) == 0x1F)
        {
            throw new CmsFormatException($"A high-tag-number element appears at offset {Position - 1}, where CMS has none.");
        }

        byte first = ReadByte();
        long length;
        if (first < 0x80)
        {
            length = first;
        }
        else if (first == 0x80)
        {
            if ((tag & 0x20) == 0)
            {
                throw new CmsFormatException($"A primitive element has an indefinite length at offset {Position - 2}.");
            }

            length = -1;
        }
        else
        {
            int count = first & 0x7F;
            if (count > 7)
            {
                throw new CmsFormatException($"An element length at offset {Position - 1} takes {count} bytes.");
            }

            length = 0;
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | ReadByte();
            }
        }

        return new Header(tag, length, Position);
    }

    /// <summary>Reads an element header and checks its tag.</summary>
    public Header ReadHeader(byte expectedTag, string what)
    {
        Header header = ReadHeader();
        if (header.Tag != expectedTag)
        {
            throw new CmsFormatException($"Expected {what} (tag 0x{expectedTag:X2}) at offset {header.ContentStart - 2}, found tag 0x{header.Tag:X2}.");
        }

        return header;
    }

    /// <summary>True when the content of <paramref name="container"/> has been read to its end (for an indefinite one: the end-of-contents octets come next, unread).</summary>
    public bool AtEnd(Header container)
    {
        if (!container.IsIndefinite)
        {
            if (Position > container.End)
            {
                throw new CmsFormatException($"An element overruns its enclosing one, which ends at offset {container.End}.");
            }

            return Position == container.End;
        }

        ReadOnlySpan<byte> next = Peek(2);
        if (next.Length < 2)
        {
            throw new CmsFormatException("The CMS structure ends before its end-of-contents octets.");
        }

        return next[0] == 0 && next[1] == 0;
    }

    /// <summary>The tag of the next element, or -1 at the end of the input.</summary>
    public int PeekTag()
    {
        ReadOnlySpan<byte> next = Peek(1);
        return next.IsEmpty ? -1 : next[0];
    }

    /// <summary>Ends <paramref name="container"/>: its end-of-contents octets when indefinite, else checks its content is all read.</summary>
    public void Close(Header container)
    {
        if (!AtEnd(container))
        {
            throw new CmsFormatException($"Unexpected data inside an element at offset {Position}.");
        }

        if (container.IsIndefinite)
        {
            Skip(2);
        }
    }

    /// <summary>Reads one whole element (header and content, as encoded), of at most <paramref name="limit"/> bytes.</summary>
    public byte[] ReadElement(int limit)
    {
        var element = new ArrayBufferWriter<byte>();
        ArrayBufferWriter<byte>? outer = _recording;
        int outerLimit = _recordingLimit;
        _recording = element;
        _recordingLimit = limit;
        try
        {
            SkipElement(0);
        }
        finally
        {
            _recording = outer;
            _recordingLimit = outerLimit;
        }

        outer?.Write(element.WrittenSpan);
        if (outer is not null && outer.WrittenCount > outerLimit)
        {
            throw new CmsFormatException($"The CMS structure around the content is longer than {outerLimit} bytes.");
        }

        return element.WrittenSpan.ToArray();
    }

    /// <summary>Reads one whole element and checks its tag.</summary>
    public byte[] ReadElement(byte expectedTag, string what, int limit)
    {
        int tag = PeekTag();
        if (tag != expectedTag)
        {
            throw new CmsFormatException($"Expected {what} (tag 0x{expectedTag:X2}) at offset {Position}, found {(tag < 0 ? "the end of the data" : $"tag 0x{tag:X2}")}.");
        }

        return ReadElement(limit);
    }

    /// <summary>
    /// The content octets of the OCTET STRING whose header was just read (primitive, or
    /// constructed of segments; any tag): a stream that ends with them. Read it to its end before
    /// reading on.
    /// </summary>
    public Stream OpenOctetString(Header header) => new OctetStringStream(this, header);

    /// <summary>Reads to the end of the input, up to <paramref name="limit"/> bytes in all, and returns what it read.</summary>
    public byte[] ReadToEnd(long limit)
    {
        var rest = new ArrayBufferWriter<byte>();
        while (true)
        {
            ReadOnlySpan<byte> next = Peek(1);
            if (next.IsEmpty)
            {
                return rest.WrittenSpan.ToArray();
            }

            if (rest.WrittenCount + next.Length > limit)
            {
                throw new CmsFormatException($"The CMS structure is longer than {limit} bytes.");
            }

            rest.Write(next);
            Consume(next.Length);
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            CryptoPool.Return(_buffer, _highWater);
            _buffer = [];
        }
    }

    private void SkipElement(int depth)
    {
        if (depth > MaxNesting)
        {
            throw new CmsFormatException($"BER elements are nested more than {MaxNesting} deep.");
        }

        Header header = ReadHeader();
        if (!header.IsIndefinite)
        {
            Skip(header.Length);
            return;
        }

        while (!AtEnd(header))
        {
            SkipElement(depth + 1);
        }

        Skip(2);
    }

    private void Skip(long count)
    {
        while (count > 0)
        {
            ReadOnlySpan<byte> next = Peek(1);
            if (next.IsEmpty)
            {
                throw new CmsFormatException("The CMS structure ends inside an element.");
            }

            int n = (int)Math.Min(count, next.Length);
            Consume(n);
            count -= n;
        }
    }

    private byte ReadByte()
    {
        ReadOnlySpan<byte> next = Peek(1);
        if (next.IsEmpty)
        {
            throw new CmsFormatException("The CMS structure ends inside an element.");
        }

        byte value = next[0];
        Consume(1);
        return value;
    }

    // Reads up to `count` bytes of content into `destination` (the content stream's read).
    private int ReadContent(Span<byte> destination)
    {
        // As much as the destination and the buffer hold, so the stream above (a cipher, most
        // often) is handed large blocks, not whatever was left after the last header; a read at
        // least a buffer long goes straight to the source once the buffer is empty.
        if (_start == _end && !_eof && _recording is null && destination.Length >= _buffer.Length)
        {
            int read = _source.Read(destination);
            if (read == 0)
            {
                _eof = true;
                throw new CmsFormatException("The CMS structure ends inside the content.");
            }

            Position += read;
            return read;
        }

        ReadOnlySpan<byte> next = Peek(Math.Min(destination.Length, _buffer.Length));
        if (next.IsEmpty)
        {
            throw new CmsFormatException("The CMS structure ends inside the content.");
        }

        int n = Math.Min(destination.Length, next.Length);
        next[..n].CopyTo(destination);
        Consume(n);
        return n;
    }

    private void Consume(int count)
    {
        if (_recording is not null)
        {
            if (_recording.WrittenCount + count > _recordingLimit)
            {
                throw new CmsFormatException($"A CMS element is longer than {_recordingLimit} bytes.");
            }

            _recording.Write(_buffer.AsSpan(_start, count));
        }

        _start += count;
        Position += count;
    }

    private ReadOnlySpan<byte> Peek(int count)
    {
        if (_end - _start < count && !_eof)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            while (_end - _start < count && !_eof)
            {
                int read = _source.Read(_buffer.AsSpan(_end));
                if (read == 0)
                {
                    _eof = true;
                }

                _end += read;
                _highWater = Math.Max(_highWater, _end);
            }
        }

        return _buffer.AsSpan(_start, _end - _start);
    }

    /// <summary>The content octets of a primitive or constructed OCTET STRING (X.690 §8.7).</summary>
    private sealed class OctetStringStream : ReadOnlyStreamBase
    {
        private readonly BerStreamReader _reader;
        private readonly Stack<Header> _open = new();
        private long _remaining;

        public OctetStringStream(BerStreamReader reader, Header header)
        {
            _reader = reader;
            if (header.IsConstructed)
            {
                _open.Push(header);
            }
            else
            {
                _remaining = header.Length;
            }
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            while (_remaining == 0)
            {
                if (_open.Count == 0)
                {
                    return 0;
                }

                Header container = _open.Peek();
                if (_reader.AtEnd(container))
                {
                    _reader.Close(container);
                    _open.Pop();
                    continue;
                }

                Header segment = _reader.ReadHeader();
                if (segment.Tag == 0x24)
                {
                    if (_open.Count >= MaxNesting)
                    {
                        throw new CmsFormatException($"OCTET STRING segments are nested more than {MaxNesting} deep.");
                    }

                    _open.Push(segment);
                }
                else if (segment.Tag == 0x04)
                {
                    _remaining = segment.Length;
                }
                else
                {
                    throw new CmsFormatException($"A constructed OCTET STRING holds an element with tag 0x{segment.Tag:X2}.");
                }
            }

            int n = _reader.ReadContent(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= n;
            return n;
        }
    }
}
