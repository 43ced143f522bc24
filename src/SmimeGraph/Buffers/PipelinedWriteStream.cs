using System.Runtime.ExceptionServices;

namespace SmimeGraph.Buffers;

/// <summary>
/// Runs a downstream stage on a second core: what is written here is copied into a few pooled
/// chunks (at most <see cref="ChunkCount"/> of <see cref="ChunkSize"/> bytes: bounded memory) and
/// handed to whichever thread currently drives the stage, in order. A thread-pool work item drains
/// the filled chunks into the stage while the writer fills the next ones, so the writer's work
/// (say, the MIME entity and its hash) and the stage's (encryption and base64) overlap.
/// </summary>
/// <remarks>
/// <para>Only one thread drives the stage at a time (the <c>draining</c> flag, under the lock), so
/// the stage needs no synchronisation of its own; the lock also orders its writes between threads.
/// The work item never waits: it drains what is there and returns. The writer waits only while the
/// work item is draining (so the wait ends when a chunk is done); when the work item has not
/// started yet, the writer drains the chunks itself. A busy or starved thread pool therefore only
/// costs the overlap, never progress.</para>
/// <para>A failure in the stage (the body ceiling, say) is kept and thrown to the writer on its
/// next write or on <see cref="Complete"/>; after a failure of the writer, <see cref="Abort"/>
/// waits for a running drain and releases the chunks. Chunks held plaintext, so each is cleared
/// before it goes back to the pool. Every byte passes once: what the writer hashed is exactly what
/// reaches the stage.</para>
/// </remarks>
internal sealed class PipelinedWriteStream : WriteOnlyStream, IThreadPoolWorkItem
{
    /// <summary>Bytes per chunk.</summary>
    internal const int ChunkSize = 64 * 1024;

    /// <summary>Chunks in flight at most (the writer's current one included).</summary>
    internal const int ChunkCount = 4;

    private readonly Stream _stage;
    private readonly Action<IThreadPoolWorkItem> _schedule;
    private readonly object _gate = new();
    private readonly byte[]?[] _chunks = new byte[ChunkCount][];
    private readonly int[] _lengths = new int[ChunkCount];

    // Filled chunks, oldest first: a ring of indices into _chunks.
    private readonly int[] _filled = new int[ChunkCount];
    private int _filledHead;
    private int _filledCount;

    // Chunks free for the writer.
    private readonly int[] _free = new int[ChunkCount];
    private int _freeCount;

    private int _current = -1;
    private int _currentLength;
    private bool _draining;
    private bool _scheduled;
    private bool _closed;
    private ExceptionDispatchInfo? _fault;

    /// <summary>Drives <paramref name="stage"/> from the thread pool (or through <paramref name="schedule"/>, for tests).</summary>
    public PipelinedWriteStream(Stream stage, Action<IThreadPoolWorkItem>? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stage = stage;
        _schedule = schedule ?? (item => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false));
        for (int i = ChunkCount - 1; i >= 0; i--)
        {
            _free[_freeCount++] = i;
        }
    }

    /// <summary>Chunks drained by the thread-pool work item (the rest the writer drained itself); for tests.</summary>
    internal int ChunksDrainedByWorker { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!buffer.IsEmpty)
        {
            if (_current < 0)
            {
                _current = TakeFreeChunk();
                _currentLength = 0;
            }

            byte[] chunk = _chunks[_current] ??= CryptoPool.Rent(ChunkSize);
            int count = Math.Min(buffer.Length, ChunkSize - _currentLength);
            buffer[..count].CopyTo(chunk.AsSpan(_currentLength));
            _currentLength += count;
            buffer = buffer[count..];
            if (_currentLength == ChunkSize)
            {
                Hand(_current, _currentLength);
                _current = -1;
            }
        }
    }

    /// <summary>
    /// Hands over the last partial chunk and waits until the stage has taken every byte; throws
    /// the stage's failure if it had one. Afterwards the calling thread owns the stage again.
    /// </summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_current >= 0 && _currentLength > 0)
        {
            Hand(_current, _currentLength);
            _current = -1;
        }

        lock (_gate)
        {
            while (_fault is null && (_filledCount > 0 || _draining))
            {
                if (!_draining)
                {
                    DrainHere(int.MaxValue);
                }
                else
                {
                    Monitor.Wait(_gate);
                }
            }

            _closed = true;
            ReleaseChunks();
            _fault?.Throw();
        }
    }

    /// <summary>
    /// Gives up after a failure of the writer: waits for a drain in progress to finish its chunk,
    /// drops what was not drained and releases the chunks. The stage is left as it is.
    /// </summary>
    public void Abort()
    {
        lock (_gate)
        {
            _closed = true;
            _filledCount = 0;
            while (_draining)
            {
                Monitor.Wait(_gate);
            }

            ReleaseChunks();
        }
    }

    /// <summary>The thread-pool side: drains whatever is filled, then returns.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        lock (_gate)
        {
            _scheduled = false;
            if (_draining || _closed || _filledCount == 0)
            {
                return;
            }

            ChunksDrainedByWorker += DrainHere(int.MaxValue);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            Abort();
        }

        base.Dispose(disposing);
    }

    // Queues a full chunk for the stage and makes sure someone will drain it.
    private void Hand(int chunk, int length)
    {
        bool schedule = false;
        lock (_gate)
        {
            _fault?.Throw();
            _lengths[chunk] = length;
            _filled[(_filledHead + _filledCount) % ChunkCount] = chunk;
            _filledCount++;
            if (!_draining && !_scheduled)
            {
                _scheduled = true;
                schedule = true;
            }
        }

        if (schedule)
        {
            _schedule(this);
        }
    }

    private int TakeFreeChunk()
    {
        lock (_gate)
        {
            while (true)
            {
                _fault?.Throw();
                if (_freeCount > 0)
                {
                    return _free[--_freeCount];
                }

                if (!_draining)
                {
                    // The work item has not started (or is between chunks): drain the oldest chunk
                    // here rather than wait on it, and look again.
                    DrainHere(1);
                }
                else
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }

    // Called with the lock held and _draining false: drives the stage through up to max filled
    // chunks, oldest first, releasing the lock while the stage works. Returns the chunks drained.
    private int DrainHere(int max)
    {
        _draining = true;
        int drained = 0;
        try
        {
            while (drained < max && _filledCount > 0 && _fault is null && !_closed)
            {
                int chunk = _filled[_filledHead];
                _filledHead = (_filledHead + 1) % ChunkCount;
                _filledCount--;
                byte[] bytes = _chunks[chunk]!;
                int length = _lengths[chunk];
                Monitor.Exit(_gate);
                try
                {
                    _stage.Write(bytes, 0, length);
                }
                catch (Exception e)
                {
                    _fault ??= ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    Monitor.Enter(_gate);
                }

                _free[_freeCount++] = chunk;
                drained++;
                Monitor.PulseAll(_gate);
            }
        }
        finally
        {
            _draining = false;
            Monitor.PulseAll(_gate);
        }

        return drained;
    }

    // Called with the lock held, no drain running: clears the plaintext and returns every chunk.
    private void ReleaseChunks()
    {
        for (int i = 0; i < ChunkCount; i++)
        {
            if (_chunks[i] is byte[] chunk)
            {
                CryptoPool.Return(chunk, ChunkSize);
                _chunks[i] = null;
            }
        }
    }
}
