namespace SmimeGraph.Buffers;

/// <summary>
/// A read-only, seekable view of a <see cref="PooledSegmentBuffer"/>'s bytes that reads them
/// where they lie: nothing is copied but what a caller reads into its own buffer. Disposing the
/// view leaves the buffer alone; once the buffer is disposed (its segments cleared and back in
/// the pool) every read throws <see cref="ObjectDisposedException"/> naming the owner.
/// </summary>
internal sealed class SegmentReadStream : Stream
{
    private readonly PooledSegmentBuffer _buffer;
    private readonly ReadOnlyMemory<byte>[] _segments;
    private readonly string _ownerName;
    private readonly long _length;
    private long _position;
    private bool _disposed;

    /// <summary>Opens a view over the bytes written to <paramref name="buffer"/> so far.</summary>
    /// <param name="buffer">The buffer; it must not be written to while the view is in use.</param>
    /// <param name="ownerName">The object named by <see cref="ObjectDisposedException"/> when the buffer is gone.</param>
    public SegmentReadStream(PooledSegmentBuffer buffer, string ownerName)
    {
        _buffer = buffer;
        _ownerName = ownerName;
        if (buffer.IsDisposed)
        {
            throw new ObjectDisposedException(ownerName);
        }

        _segments = [.. buffer.Segments];
        _length = buffer.Length;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ThrowIfDisposed();
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ThrowIfDisposed();
            return _position;
        }

        set
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ThrowIfDisposed();
        int total = 0;
        while (!buffer.IsEmpty && _position < _length)
        {
            (ReadOnlyMemory<byte> segment, int at) = Locate(_position);
            int n = Math.Min(buffer.Length, segment.Length - at);
            segment.Span.Slice(at, n).CopyTo(buffer);
            buffer = buffer[n..];
            _position += n;
            total += n;
        }

        return total;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    public override void CopyTo(Stream destination, int bufferSize)
    {
        ValidateCopyToArguments(destination, bufferSize);
        ThrowIfDisposed();
        while (_position < _length)
        {
            (ReadOnlyMemory<byte> segment, int at) = Locate(_position);
            ReadOnlySpan<byte> rest = segment.Span[at..];
            destination.Write(rest);
            _position += rest.Length;
            ThrowIfDisposed();
        }
    }

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        ValidateCopyToArguments(destination, bufferSize);
        ThrowIfDisposed();
        while (_position < _length)
        {
            (ReadOnlyMemory<byte> segment, int at) = Locate(_position);
            ReadOnlyMemory<byte> rest = segment[at..];
            await destination.WriteAsync(rest, cancellationToken).ConfigureAwait(false);
            _position += rest.Length;
            ThrowIfDisposed();
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfDisposed();
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("An attempt was made to move the position before the beginning of the stream.");
        }

        _position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The payload's body is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The payload's body is read-only.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>The segment holding <paramref name="position"/> (which is below the length) and the offset in it.</summary>
    private (ReadOnlyMemory<byte> Segment, int Offset) Locate(long position)
    {
        // A handful of segments at most (they double up to 1 MB), so a linear walk is enough.
        foreach (ReadOnlyMemory<byte> segment in _segments)
        {
            if (position < segment.Length)
            {
                return (segment, (int)position);
            }

            position -= segment.Length;
        }

        throw new InvalidOperationException("The position lies beyond the written bytes.");
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // The segments go back to the pool when the owner is disposed, and another renter may
        // already be writing into them: never read them after that.
        if (_buffer.IsDisposed)
        {
            throw new ObjectDisposedException(_ownerName);
        }
    }
}
