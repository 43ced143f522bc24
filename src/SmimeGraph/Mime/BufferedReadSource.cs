using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// A read-only stream over another one, through one pooled buffer, that can look at the next
/// line before it is read: what a streaming MIME reader needs to find where a header ends
/// without reading into the body. The buffer grows (pooled) only as far as one line needs, up to
/// <see cref="MaxLookahead"/>; it is cleared when returned, since the bytes may be plaintext.
/// </summary>
internal sealed class BufferedReadSource : Stream, ISkippingStream
{
    private const int InitialSize = 16 * 1024;

    private readonly Stream _source;
    private readonly long _maxLength;
    private readonly CancellationToken _cancellationToken;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _highWater;
    private long _sourceRead;
    private bool _eof;

    /// <param name="source">The stream to read; it is not disposed.</param>
    /// <param name="maxLength">The most bytes read from <paramref name="source"/>; one more is a <see cref="MimeFormatException"/>.</param>
    /// <param name="maxLookahead">The longest line <see cref="PeekLine"/> returns whole.</param>
    /// <param name="cancellationToken">Checked at every read from <paramref name="source"/>.</param>
    public BufferedReadSource(Stream source, long maxLength, int maxLookahead, CancellationToken cancellationToken)
    {
        _source = source;
        _maxLength = maxLength;
        _cancellationToken = cancellationToken;
        MaxLookahead = maxLookahead;
        _buffer = CryptoPool.Rent(Math.Min(InitialSize, maxLookahead));
    }

    /// <summary>The longest line <see cref="PeekLine"/> returns whole.</summary>
    public int MaxLookahead { get; }

    /// <summary>The bytes consumed from this stream so far.</summary>
    public long Consumed => _sourceRead - (_end - _start);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Consumed;
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// The next line, through its LF, without consuming it; the rest of the input when no LF
    /// follows; or the first <see cref="MaxLookahead"/> bytes of a longer line (then
    /// <paramref name="complete"/> is false). Empty at the end of the input.
    /// </summary>
    public ReadOnlySpan<byte> PeekLine(out bool complete)
    {
        int searched = 0;
        while (true)
        {
            int lf = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                complete = true;
                return _buffer.AsSpan(_start, searched + lf + 1);
            }

            searched = _end - _start;
            if (_eof)
            {
                complete = true;
                return _buffer.AsSpan(_start, _end - _start);
            }

            if (searched >= MaxLookahead)
            {
                complete = false;
                return _buffer.AsSpan(_start, MaxLookahead);
            }

            Fill(Math.Min(MaxLookahead, searched + 1));
        }
    }

    /// <summary>Ensures <paramref name="count"/> bytes are buffered, or the end of input; returns what is buffered.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        while (_end - _start < count && !_eof)
        {
            Fill(count);
        }

        return _buffer.AsSpan(_start, _end - _start);
    }

    /// <summary>Consumes <paramref name="count"/> buffered bytes.</summary>
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_end - _start))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _start += count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_start == _end)
        {
            if (_eof)
            {
                return 0;
            }

            // Large reads bypass the buffer once it is empty.
            if (buffer.Length >= _buffer.Length)
            {
                return ReadSource(buffer);
            }

            Fill(1);
            if (_start == _end)
            {
                return 0;
            }
        }

        int n = Math.Min(buffer.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(buffer);
        _start += n;
        return n;
    }

    /// <summary>
    /// Drops what is buffered and consumes the source to its end: a source that can skip does
    /// so; any other is read straight into this buffer, which saves copying its bytes out again.
    /// Returns the bytes consumed, as <see cref="Read(Span{byte})"/> would have returned them.
    /// </summary>
    public long SkipToEnd()
    {
        long skipped = _end - _start;
        _start = _end;
        if (_eof)
        {
            return skipped;
        }

        long before = _sourceRead;
        if (_source is ISkippingStream skipping)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _sourceRead += skipping.SkipToEnd();
            if (_sourceRead > _maxLength)
            {
                throw new MimeFormatException($"The message is longer than the limit of {_maxLength} bytes.") { Offset = _maxLength };
            }
        }
        else
        {
            _start = _end = 0;
            while (ReadSource(_buffer) is int read and > 0)
            {
                _highWater = Math.Max(_highWater, read);
            }
        }

        _eof = true;
        return skipped + (_sourceRead - before);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            CryptoPool.Return(_buffer, _highWater);
            _buffer = [];
            _start = _end = 0;
        }

        base.Dispose(disposing);
    }

    // Reads until at least `wanted` bytes are buffered (growing the buffer up to that), or the end.
    // What is left is moved to the front once less than half the buffer is free behind it, so each
    // read from the source asks for a large block: every small read costs a call through each
    // stream below (base64, BER, the cipher).
    private void Fill(int wanted)
    {
        if (_start > 0 && (_buffer.Length - _start < wanted || _buffer.Length - _end < _buffer.Length / 2))
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length < wanted)
        {
            byte[] larger = CryptoPool.Rent(wanted);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            CryptoPool.Return(_buffer, _highWater);
            _buffer = larger;
            _highWater = _end;
        }

        while (_end - _start < wanted && !_eof)
        {
            int read = ReadSource(_buffer.AsSpan(_end));
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _end += read;
            _highWater = Math.Max(_highWater, _end);
        }
    }

    private int ReadSource(Span<byte> destination)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        int read = _source.Read(destination);
        _sourceRead += read;
        if (_sourceRead > _maxLength)
        {
            throw new MimeFormatException($"The message is longer than the limit of {_maxLength} bytes.") { Offset = _maxLength };
        }

        return read;
    }
}
