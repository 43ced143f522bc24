using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SmimeGraph.Graph;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// Throughput: <see cref="Parallelism"/> sign-then-encrypt compositions of the largest message at
/// once, each on its own thread-pool work item (a mail service composing for several mailboxes).
/// On a 2-core machine, 2 in parallel should take about as long as 1 if nothing is shared; the
/// Msg/s column divides the messages by the mean time. Each returns the total body bytes produced.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParallelPipelineBenchmarks
{
    private MessageFixture _fixture = null!;

    [Params(1, 2)]
    public int Parallelism { get; set; }

    [Params(MessageFixture.Largest)]
    public int AttachmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = MessageFixture.For(AttachmentSize);
        _fixture.EnsureFits(SmimeOperation.SignAndEncrypt);
    }

    [Benchmark(Baseline = true, Description = "SignedCms/EnvelopedCms")]
    public async Task<long> Baseline()
    {
        var work = new Task<long>[Parallelism];
        for (int i = 0; i < work.Length; i++)
        {
            work[i] = Task.Run(() => (long)SystemPkcsComposer.ComposeGraphBody(_fixture, SmimeOperation.SignAndEncrypt).Length);
        }

        return Sum(await Task.WhenAll(work).ConfigureAwait(false));
    }

    [Benchmark(Description = "Pipeline")]
    public async Task<long> Pipeline()
    {
        var work = new Task<long>[Parallelism];
        for (int i = 0; i < work.Length; i++)
        {
            work[i] = Task.Run(async () =>
            {
                using GraphPayload payload = await LibraryPipeline.ComposeAsync(_fixture, SmimeOperation.SignAndEncrypt).ConfigureAwait(false);
                return payload.Length;
            });
        }

        return Sum(await Task.WhenAll(work).ConfigureAwait(false));
    }

    private static long Sum(long[] lengths)
    {
        long total = 0;
        foreach (long length in lengths)
        {
            total += length;
        }

        return total;
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new Reporting.MessagesPerSecondColumn());
    }
}
