using SmimeGraph.Buffers;

namespace SmimeGraph.Tests.Buffers;

/// <summary>
/// The hand-over between the thread writing the signed entity and the thread driving the
/// encryption stage: order and bytes kept, the stage driven by one thread at a time, failures
/// passed to the writer, progress without the thread pool.
/// </summary>
public sealed class PipelinedWriteStreamTests
{
    private const int ChunkSize = PipelinedWriteStream.ChunkSize;

    [Fact]
    public void Every_byte_reaches_the_stage_once_and_in_order_whatever_the_write_sizes()
    {
        byte[] data = new byte[(ChunkSize * 11) + 12345];
        new Random(1).NextBytes(data);
        var stage = new RecordingStage();
        var pipe = new PipelinedWriteStream(stage);
        var random = new Random(2);
        for (int offset = 0; offset < data.Length;)
        {
            int count = Math.Min(data.Length - offset, random.Next(1, 3 * ChunkSize));
            pipe.Write(data, offset, count);
            offset += count;
        }

        pipe.Complete();

        Assert.Equal(data, stage.Bytes.ToArray());
        Assert.Equal(0, stage.OverlappingWrites);
    }

    [Fact]
    public void The_writer_drains_the_chunks_itself_when_the_work_item_never_runs()
    {
        byte[] data = new byte[(ChunkSize * 9) + 7];
        new Random(3).NextBytes(data);
        var stage = new RecordingStage();
        var scheduled = new List<IThreadPoolWorkItem>();
        var pipe = new PipelinedWriteStream(stage, scheduled.Add);

        pipe.Write(data);
        pipe.Complete();

        Assert.Equal(data, stage.Bytes.ToArray());
        Assert.Single(scheduled);
        Assert.Equal(0, pipe.ChunksDrainedByWorker);
        Assert.All(stage.Threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    [Fact]
    public async Task The_work_item_drives_the_stage_on_its_own_thread_while_the_writer_goes_on()
    {
        var stage = new RecordingStage();
        var scheduled = new List<IThreadPoolWorkItem>();
        var pipe = new PipelinedWriteStream(stage, scheduled.Add);
        byte[] first = new byte[ChunkSize * 3];
        first.AsSpan().Fill(1);
        pipe.Write(first);
        IThreadPoolWorkItem item = Assert.Single(scheduled);

        int workerThread = 0;
        await Task.Factory.StartNew(
            () =>
            {
                workerThread = Environment.CurrentManagedThreadId;
                item.Execute();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        Assert.Equal(3, pipe.ChunksDrainedByWorker);
        Assert.Equal(Enumerable.Repeat(workerThread, 3), stage.Threads);
        Assert.NotEqual(Environment.CurrentManagedThreadId, workerThread);

        byte[] second = new byte[100];
        second.AsSpan().Fill(2);
        pipe.Write(second);
        pipe.Complete();
        Assert.Equal([.. first, .. second], stage.Bytes.ToArray());

        // A work item that runs after the end touches nothing.
        item.Execute();
        Assert.Equal(first.Length + second.Length, stage.Bytes.Length);
    }

    [Fact]
    public void While_no_second_core_is_free_the_writer_drives_the_stage_itself_and_schedules_nothing()
    {
        byte[] data = new byte[(ChunkSize * 5) + 99];
        new Random(4).NextBytes(data);
        var stage = new RecordingStage();
        var scheduled = new List<IThreadPoolWorkItem>();
        var pipe = new PipelinedWriteStream(stage, scheduled.Add, coreFree: () => false);

        pipe.Write(data.AsSpan(0, ChunkSize * 2));

        // Each full chunk reached the stage before the write returned.
        Assert.Equal(2, stage.Writes);
        pipe.Write(data.AsSpan(ChunkSize * 2));
        pipe.Complete();

        Assert.Equal(data, stage.Bytes.ToArray());
        Assert.Empty(scheduled);
        Assert.Equal(6, pipe.ChunksHandedAlone);
        Assert.Equal(0, pipe.ChunksDrainedByWorker);
        Assert.All(stage.Threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
    }

    [Fact]
    public async Task A_work_item_gives_the_stage_back_while_the_core_is_wanted_and_comes_back_when_it_is_free()
    {
        using var held = new SemaphoreSlim(0);
        var stage = new RecordingStage { HoldFirstWrite = held };
        var scheduled = new List<IThreadPoolWorkItem>();
        bool free = true;
        var pipe = new PipelinedWriteStream(stage, scheduled.Add, coreFree: () => Volatile.Read(ref free));
        byte[] data = new byte[ChunkSize * 7];
        new Random(5).NextBytes(data);

        // A work item takes the first chunk and is held inside the stage.
        pipe.Write(data.AsSpan(0, ChunkSize));
        IThreadPoolWorkItem item = Assert.Single(scheduled);
        Task worker = Task.Factory.StartNew(item.Execute, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(stage.FirstWriteEntered.Wait(TimeSpan.FromSeconds(30)));

        // Another message takes the core: chunks handed now wait for the running work item,
        // which drains them and leaves.
        Volatile.Write(ref free, false);
        pipe.Write(data.AsSpan(ChunkSize, ChunkSize * 2));
        held.Release();
        await worker;
        Assert.Equal(3, pipe.ChunksDrainedByWorker);

        // With no work item the writer drains each chunk as it hands it over.
        pipe.Write(data.AsSpan(ChunkSize * 3, ChunkSize * 2));
        Assert.Equal(5, stage.Writes);
        Assert.Equal(Environment.CurrentManagedThreadId, stage.Threads[^1]);
        Assert.Single(scheduled);

        // The core is free again: the next chunk schedules a work item.
        Volatile.Write(ref free, true);
        pipe.Write(data.AsSpan(ChunkSize * 5));
        Assert.Equal(2, scheduled.Count);
        pipe.Complete();

        Assert.Equal(data, stage.Bytes.ToArray());
        Assert.Equal(0, stage.OverlappingWrites);
        Assert.Equal(4, pipe.ChunksHandedAlone);
    }

    [Fact]
    public void A_failure_of_the_stage_reaches_the_writer_as_it_was()
    {
        var stage = new RecordingStage { FailOnWrite = 2 };
        var pipe = new PipelinedWriteStream(stage, _ => { });

        // More than the chunks hold, so the writer drains them itself and meets the failure.
        byte[] data = new byte[ChunkSize * PipelinedWriteStream.ChunkCount * 2];

        Assert.Same(stage.Failure, Assert.Throws<PayloadTooLargeException>(() => pipe.Write(data)));
        Assert.Same(stage.Failure, Assert.Throws<PayloadTooLargeException>(pipe.Complete));

        Assert.Equal(2, stage.Writes);
        Assert.Throws<ObjectDisposedException>(() => pipe.Write(data));
    }

    [Fact]
    public void After_the_writer_gives_up_nothing_more_reaches_the_stage()
    {
        var stage = new RecordingStage();
        var scheduled = new List<IThreadPoolWorkItem>();
        var pipe = new PipelinedWriteStream(stage, scheduled.Add);
        pipe.Write(new byte[ChunkSize * 2]);

        pipe.Abort();
        scheduled[0].Execute();

        Assert.Equal(0, stage.Writes);
        Assert.Throws<ObjectDisposedException>(() => pipe.Write(new byte[1]));
    }

    /// <summary>Records what it is given, by which thread, and whether two threads were ever inside at once.</summary>
    private sealed class RecordingStage : Stream
    {
        private int _inside;

        public MemoryStream Bytes { get; } = new();

        public List<int> Threads { get; } = [];

        public int Writes { get; private set; }

        public int OverlappingWrites { get; private set; }

        public int FailOnWrite { get; init; } = -1;

        /// <summary>When set, the first write waits for it after signalling <see cref="FirstWriteEntered"/>.</summary>
        public SemaphoreSlim? HoldFirstWrite { get; init; }

        public ManualResetEventSlim FirstWriteEntered { get; } = new();

        public PayloadTooLargeException Failure { get; } = new(5_000_000, 4_000_000, sizeIsLowerBound: true);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Bytes.Length;

        public override long Position { get => Bytes.Length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                OverlappingWrites++;
            }

            try
            {
                Writes++;
                if (Writes == 1 && HoldFirstWrite is not null)
                {
                    FirstWriteEntered.Set();
                    Assert.True(HoldFirstWrite.Wait(TimeSpan.FromSeconds(30)));
                }

                if (Writes == FailOnWrite)
                {
                    throw Failure;
                }

                Threads.Add(Environment.CurrentManagedThreadId);
                Bytes.Write(buffer, offset, count);
                Thread.Yield();
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
