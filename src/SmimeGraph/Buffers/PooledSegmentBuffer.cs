using System.Buffers;
using System.Security.Cryptography;

namespace SmimeGraph.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over segments rented from <see cref="ArrayPool{T}.Shared"/>,
/// with a hard ceiling: the moment a write would take the total past <see cref="Ceiling"/> it
/// throws <see cref="PayloadTooLargeException"/>. Segments are cleared (only the bytes written)
/// and returned on <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledSegmentBuffer : IBufferWriter<byte>, IDisposable
{
    internal const int DefaultSegmentSize = 64 * 1024;

    /// <summary>
    /// Segments double from the first size up to this. A 4 MB body then takes about seven
    /// rentals, not sixty: the shared pool keeps only a few arrays of each size per core, so
    /// many small segments fall out of it (and into the GC) as soon as two bodies are built at once.
    /// </summary>
    internal const int MaxSegmentSize = 1024 * 1024;

    private readonly List<(byte[] Array, int Length)> _segments = [];
    private readonly int _segmentSize;
    private byte[]? _current;
    private int _currentWritten;
    private long _completedLength;
    private bool _disposed;

    public PooledSegmentBuffer(long ceiling = long.MaxValue, int segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ceiling);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 16);
        Ceiling = ceiling;
        _segmentSize = segmentSize;
    }

    /// <summary>The most bytes this buffer accepts.</summary>
    public long Ceiling { get; }

    /// <summary>The bytes written so far.</summary>
    public long Length => _completedLength + _currentWritten;

    /// <summary>Whether <see cref="Dispose"/> has returned the segments to the pool.</summary>
    public bool IsDisposed => _disposed;

    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_current is null || count < 0 || _currentWritten + count > _current.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (Length + count > Ceiling)
        {
            throw new PayloadTooLargeException(Length + count, Ceiling, sizeIsLowerBound: true);
        }

        _currentWritten += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_currentWritten);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_currentWritten);

    /// <summary>Copies <paramref name="source"/> in, segment by segment.</summary>
    public void Write(ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            Span<byte> span = GetSpan(1);
            int n = Math.Min(span.Length, source.Length);
            source[..n].CopyTo(span);
            Advance(n);
            source = source[n..];
        }
    }

    /// <summary>The written bytes, segment by segment, without copying.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach ((byte[] array, int length) in _segments)
            {
                yield return array.AsMemory(0, length);
            }

            if (_current is not null && _currentWritten > 0)
            {
                yield return _current.AsMemory(0, _currentWritten);
            }
        }
    }

    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> segment in Segments)
        {
            await destination.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    public void CopyTo(Stream destination)
    {
        foreach (ReadOnlyMemory<byte> segment in Segments)
        {
            destination.Write(segment.Span);
        }
    }

    /// <summary>Copies the whole content into one new array (tests and small payloads only).</summary>
    public byte[] ToArray()
    {
        var result = new byte[Length];
        int offset = 0;
        foreach (ReadOnlyMemory<byte> segment in Segments)
        {
            segment.Span.CopyTo(result.AsSpan(offset));
            offset += segment.Length;
        }

        return result;
    }

    private byte[] Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        sizeHint = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _currentWritten >= sizeHint)
        {
            return _current;
        }

        if (_current is not null)
        {
            if (_currentWritten == 0)
            {
                CryptoPool.Return(_current, clearSize: 0);
            }
            else
            {
                // A caller may ask for more contiguous room than the segment has left; the unused
                // tail stays behind and the segment records its written length.
                _segments.Add((_current, _currentWritten));
                _completedLength += _currentWritten;
            }
        }

        int next = (int)Math.Min((long)_segmentSize << Math.Min(_segments.Count, 16), Math.Max(MaxSegmentSize, _segmentSize));
        _current = CryptoPool.Rent(Math.Max(sizeHint, next));
        _currentWritten = 0;
        return _current;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach ((byte[] array, int length) in _segments)
        {
            CryptoPool.Return(array, length);
        }

        _segments.Clear();
        if (_current is not null)
        {
            CryptoPool.Return(_current, _currentWritten);
            _current = null;
        }
    }
}
