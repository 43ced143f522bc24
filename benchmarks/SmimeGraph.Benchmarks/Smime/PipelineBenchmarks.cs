using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Floor;
using SmimeGraph.Graph;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The head-to-head: the same message (text + one attachment) from spec to Graph request body by
/// five contenders. SignedCms/EnvelopedCms is the baseline; MimeKit is the mail library a .NET
/// user would reach for; BouncyCastle's streaming CMS generators are what MimeKit is built on;
/// the floor is the bare primitives over the same byte counts; the pipeline is SmimeGraph (see
/// <see cref="LibraryPipeline"/>). Each returns what it produced.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private MessageFixture _fixture = null!;
    private PrimitiveFloor _floor = null!;

    [Params(MessageFixture.Small, MessageFixture.Medium, MessageFixture.Largest)]
    public int AttachmentSize { get; set; }

    [Params(SmimeOperation.Sign, SmimeOperation.Encrypt, SmimeOperation.SignAndEncrypt)]
    public SmimeOperation Operation { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = MessageFixture.For(AttachmentSize);
        _fixture.EnsureFits(Operation);
        _floor = new PrimitiveFloor(_fixture, Operation);
        _ = _fixture.MimeKit;
        _ = _fixture.BouncyCastle;
    }

    [GlobalCleanup]
    public void Cleanup() => _floor.Dispose();

    /// <summary>SignedCms + EnvelopedCms, MIME by hand, Convert.ToBase64String: the request body as a string.</summary>
    [Benchmark(Baseline = true, Description = "SignedCms/EnvelopedCms")]
    public string Baseline() => SystemPkcsComposer.ComposeGraphBody(_fixture, Operation);

    /// <summary>MimeKit 4.18.2 (signer and recipients built once, AES-256): the request body as a string.</summary>
    [Benchmark(Description = "MimeKit")]
    public string MimeKit() => MimeKitComposer.ComposeGraphBody(_fixture, _fixture.MimeKit, Operation);

    /// <summary>BouncyCastle.Cryptography 2.7's streaming generators, same hand-built MIME: the request body as a string.</summary>
    [Benchmark(Description = "BouncyCastle")]
    public string BouncyCastle() => BouncyCastleComposer.ComposeGraphBody(_fixture, _fixture.BouncyCastle, Operation);

    /// <summary>The primitives alone: the request-body length they would produce.</summary>
    [Benchmark(Description = "Floor")]
    public int Floor() => _floor.Run();

    /// <summary>SmimeGraph: the pooled payload's length (the payload is disposed, as after an upload).</summary>
    [Benchmark(Description = "Pipeline")]
    public async Task<long> Pipeline()
    {
        using GraphPayload payload = await LibraryPipeline.ComposeAsync(_fixture, Operation).ConfigureAwait(false);
        return payload.Length;
    }
}
