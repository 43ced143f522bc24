using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Smime;
using SmimeGraph.Graph;

namespace SmimeGraph.Benchmarks.Buffers;

/// <summary>
/// The last stage alone: a finished sign-then-encrypt MIME message to the Graph request body
/// (base64, no line breaks). Convert.ToBase64String is what users write; Base64.EncodeToUtf8
/// into a buffer allocated once is the floor; GraphPayload.FromMimeAsync is the library's pooled,
/// ceiling-guarded body (GraphBodyStream over PooledSegmentBuffer).
/// </summary>
[MemoryDiagnoser]
public class Base64Benchmarks
{
    private byte[] _mime = [];
    private byte[] _destination = [];

    [Params(MessageFixture.Small, MessageFixture.Medium, MessageFixture.Largest)]
    public int AttachmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mime = MessageFixture.For(AttachmentSize).Composition(SmimeOperation.SignAndEncrypt).Mime;
        _destination = new byte[Base64.GetMaxEncodedToUtf8Length(_mime.Length)];
    }

    [Benchmark(Baseline = true)]
    public string ConvertToBase64String() => Convert.ToBase64String(_mime);

    [Benchmark]
    public int EncodeToUtf8()
    {
        Base64.EncodeToUtf8(_mime, _destination, out _, out int written);
        return written;
    }

    [Benchmark]
    public async Task<long> GraphPayloadFromMime()
    {
        using var source = new MemoryStream(_mime, writable: false);
        using GraphPayload payload = await GraphPayload.FromMimeAsync(source).ConfigureAwait(false);
        return payload.Length;
    }
}
