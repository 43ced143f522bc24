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
/// Once started, the work item stays with the stream: it drains what is filled and then waits for
/// the next chunk, leaving after <see cref="IdleWait"/> without one (or when the writer is done),
/// so a steady writer costs one thread-pool dispatch, not one per chunk. While the work item runs,
/// a writer with no free chunk waits for it. A writer whose work item has not started within
/// <see cref="StartWait"/> drains the chunks itself from then on, until the work item shows up:
/// a busy or starved thread pool therefore only costs the overlap, never progress.</para>
/// <para>A thread that blocks lets its core sleep, and waking it again costs a system call and,
/// on a virtual machine, an interrupt the host must deliver to a halted core, often longer than a
/// chunk takes. So either side first spins for up to <see cref="SpinMicroseconds"/> (about one
/// chunk's work) for the other to move, and blocks only when it does not.</para>
/// <para>A stream given a <c>coreFree</c> test asks it at every chunk handed over; while it says
/// no (other messages took the cores since this one started), the stream hands nothing to the
/// thread pool: the work item leaves once it has nothing to drain, and the writer drains the
/// chunks itself, without spinning, so two threads do not share one core. When the test says yes
/// again, the next chunk brings a work item back.</para>
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
    internal const int ChunkCount = 8;

    /// <summary>How long the work item waits for another chunk before it returns to the pool, in milliseconds.</summary>
    internal const int IdleWait = 2;

    /// <summary>How long a writer with no free chunk waits for a work item that has not started, in milliseconds, before it drains the chunks itself.</summary>
    internal const int StartWait = 2;

    /// <summary>How long a side spins for the other to move before it blocks, in microseconds.</summary>
    internal const int SpinMicroseconds = 100;

    private static readonly long SpinTicks = SpinMicroseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000;

    private readonly Stream _stage;
    private readonly Action<IThreadPoolWorkItem> _schedule;
    private readonly Func<bool>? _coreFree;
    private readonly object _gate = new();
    private readonly byte[]?[] _chunks = new byte[ChunkCount][];
    private readonly int[] _lengths = new int[ChunkCount];

    // Filled chunks, oldest first: a ring of indices into _chunks.
    private readonly int[] _filled = new int[ChunkCount];
    private int _filledHead;
    private volatile int _filledCount;

    // Chunks free for the writer.
    private readonly int[] _free = new int[ChunkCount];
    private volatile int _freeCount;

    private int _current = -1;
    private int _currentLength;
    private volatile bool _draining;
    private bool _scheduled;
    private volatile bool _workerActive;
    private bool _workerLate;
    private volatile bool _workerIdle;
    private volatile bool _writerWaiting;
    private volatile bool _closed;
    private volatile bool _solo;
    private ExceptionDispatchInfo? _fault;

    /// <summary>
    /// Drives <paramref name="stage"/> from the thread pool (or through <paramref name="schedule"/>,
    /// for tests), while <paramref name="coreFree"/> (asked at every chunk; always, when null)
    /// says a second core is free.
    /// </summary>
    public PipelinedWriteStream(Stream stage, Action<IThreadPoolWorkItem>? schedule = null, Func<bool>? coreFree = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        _stage = stage;
        _schedule = schedule ?? (item => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false));
        _coreFree = coreFree;
        for (int i = ChunkCount - 1; i >= 0; i--)
        {
            _free[_freeCount++] = i;
        }
    }

    /// <summary>Chunks drained by the thread-pool work item (the rest the writer drained itself); for tests.</summary>
    internal int ChunksDrainedByWorker { get; private set; }

    /// <summary>Chunks handed over while the <c>coreFree</c> test said no; for tests.</summary>
    internal int ChunksHandedAlone { get; private set; }

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
                WaitOrDrain(int.MaxValue);
            }

            _closed = true;
            Monitor.PulseAll(_gate);
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
            Monitor.PulseAll(_gate);
            while (_draining)
            {
                Monitor.Wait(_gate);
            }

            ReleaseChunks();
        }
    }

    /// <summary>
    /// The thread-pool side: drains whatever is filled, waits up to <see cref="IdleWait"/> for
    /// more, and returns when none comes or the writer is done.
    /// </summary>
    void IThreadPoolWorkItem.Execute()
    {
        lock (_gate)
        {
            _scheduled = false;
            _workerLate = false;
            _workerActive = true;
            try
            {
                while (!_closed && _fault is null)
                {
                    if (_draining)
                    {
                        // The writer is draining a chunk itself: take over after it.
                        Monitor.Wait(_gate);
                    }
                    else if (_filledCount > 0)
                    {
                        ChunksDrainedByWorker += DrainHere(int.MaxValue);
                    }
                    else if (_solo)
                    {
                        // The core is wanted elsewhere: the writer drains from now on.
                        break;
                    }
                    else if (!SpinForWork())
                    {
                        _workerIdle = true;
                        bool woken = Monitor.Wait(_gate, IdleWait);
                        _workerIdle = false;
                        if (!woken && _filledCount == 0)
                        {
                            break;
                        }
                    }
                }
            }
            finally
            {
                _workerActive = false;
                Monitor.PulseAll(_gate);
            }
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
        bool solo = _coreFree is not null && !_coreFree();
        lock (_gate)
        {
            _fault?.Throw();
            _lengths[chunk] = length;
            _filled[(_filledHead + _filledCount) % ChunkCount] = chunk;
            _filledCount++;
            _solo = solo;
            if (solo)
            {
                ChunksHandedAlone++;
            }

            if (_workerActive)
            {
                if (_workerIdle)
                {
                    Monitor.PulseAll(_gate);
                }
            }
            else if (solo)
            {
                // No work item and none wanted: drain here, in order, unless a late work item
                // is draining already.
                if (!_draining)
                {
                    DrainHere(int.MaxValue);
                    _fault?.Throw();
                }
            }
            else if (!_scheduled)
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

                WaitOrDrain(1);
            }
        }
    }

    // Called with the lock held when the writer needs filled chunks gone: waits while another
    // thread drains them or will (a running work item, or one just queued, for up to StartWait);
    // otherwise drains up to max chunks here. The caller looks again afterwards.
    private void WaitOrDrain(int max)
    {
        if (_draining || _workerActive)
        {
            if (_workerIdle)
            {
                Monitor.PulseAll(_gate);
            }

            if (_solo || !SpinForFreedChunk())
            {
                WriterWait(Timeout.Infinite);
            }

            return;
        }

        if (_scheduled && !_workerLate && !_solo)
        {
            if (WriterWait(StartWait) || _draining || _workerActive)
            {
                return;
            }

            // The pool has not started the work item: stop waiting for it until it does.
            _workerLate = true;
        }

        DrainHere(max);
    }

    // Called with the lock held by the work item with nothing filled: lets the lock go and spins
    // until a chunk is filled, the writer is done, or the spin time is up. Returns with the lock
    // held; true when there is something to look at.
    private bool SpinForWork()
    {
        Monitor.Exit(_gate);
        try
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (_filledCount == 0 && !_closed && !_solo && System.Diagnostics.Stopwatch.GetTimestamp() <= deadline)
            {
                Thread.SpinWait(20);
            }
        }
        finally
        {
            Monitor.Enter(_gate);
        }

        // Looked at again under the lock: a chunk handed over just as the spin gave up would
        // otherwise wait out the idle time.
        return _filledCount > 0 || _closed || _solo;
    }

    // Called with the lock held by the writer while another thread drains: lets the lock go and
    // spins until that thread frees a chunk or stops, or the spin time is up. Returns with the
    // lock held; true when something moved.
    private bool SpinForFreedChunk()
    {
        int free = _freeCount;
        Monitor.Exit(_gate);
        try
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (_freeCount == free && (_draining || _workerActive) && _fault is null && System.Diagnostics.Stopwatch.GetTimestamp() <= deadline)
            {
                Thread.SpinWait(20);
            }
        }
        finally
        {
            Monitor.Enter(_gate);
        }

        // Looked at again under the lock: a chunk freed just as the spin gave up pulsed no one.
        return _freeCount != free || !(_draining || _workerActive) || _fault is not null;
    }

    private bool WriterWait(int milliseconds)
    {
        _writerWaiting = true;
        try
        {
            return Monitor.Wait(_gate, milliseconds);
        }
        finally
        {
            _writerWaiting = false;
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
                if (_writerWaiting)
                {
                    Monitor.PulseAll(_gate);
                }
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
